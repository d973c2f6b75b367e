//! Schemas: the shape of a provider's, resource's or data source's configuration and state.
//!
//! A schema is a versioned block. A block has attributes (a name, a type and flags saying
//! who sets the value: the user, the provider, or either) and nested blocks (repeated
//! configuration sections such as `timeouts { ... }`). The schema fixes the [`Type`] of the
//! object Terraform sends, and the version tells Terraform when stored state needs an upgrade.

use std::collections::BTreeMap;

use magma_protocol::tfplugin6 as proto;
use proto::schema::nested_block::NestingMode;

use crate::diag::AttributePath;
use crate::value::{Type, Value};

/// A versioned top-level block.
#[derive(Clone, Debug, PartialEq)]
pub struct Schema {
    /// The version of the stored state's shape; bump it when state needs an upgrade.
    pub version: i64,
    /// The top-level block.
    pub block: Block,
}

/// A set of attributes and nested blocks.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Block {
    /// The attributes, in the order documentation should show them.
    pub attributes: Vec<Attribute>,
    /// The nested blocks.
    pub blocks: Vec<NestedBlock>,
    /// Markdown description.
    pub description: String,
    /// Whether the block should no longer be used.
    pub deprecated: bool,
}

/// One attribute: its name, type and who sets it.
#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    /// The name used in configuration and state.
    pub name: String,
    /// The value type.
    pub ty: Type,
    /// Markdown description.
    pub description: String,
    /// The user must set it.
    pub required: bool,
    /// The user may set it.
    pub optional: bool,
    /// The provider sets it (when the user does not, if also optional).
    pub computed: bool,
    /// Terraform hides the value in its output.
    pub sensitive: bool,
    /// The value is never in plan or state: the provider reads it from the configuration only.
    pub write_only: bool,
    /// Whether the attribute should no longer be used.
    pub deprecated: bool,
}

/// How often a nested block may appear and how its values are collected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Nesting {
    /// At most once; its value is an object, null when absent.
    Single,
    /// Any number of times, in order; a list of objects, empty when absent.
    List,
    /// Any number of times, unordered; a set of objects.
    Set,
    /// Once per label; a map of objects keyed by label.
    Map,
    /// Exactly once, implicitly present; an object whose attributes are null when absent.
    Group,
}

/// A block nested inside another, under a type name.
#[derive(Clone, Debug, PartialEq)]
pub struct NestedBlock {
    /// The block's keyword in configuration, such as `timeouts`.
    pub type_name: String,
    /// The nested block's contents.
    pub block: Block,
    /// How often it may appear.
    pub nesting: Nesting,
    /// The fewest occurrences allowed (list and set nesting only; 0 for no limit).
    pub min_items: i64,
    /// The most occurrences allowed (list and set nesting only; 0 for no limit).
    pub max_items: i64,
}

impl Schema {
    /// A schema of the given version.
    pub fn new(version: i64, block: Block) -> Self {
        Self { version, block }
    }

    /// The object type of values of this schema.
    pub fn value_type(&self) -> Type {
        self.block.value_type()
    }

    /// The wire form, with markdown descriptions.
    pub fn to_proto(&self) -> proto::Schema {
        let mut block = self.block.to_proto();
        block.version = self.version;
        proto::Schema {
            version: self.version,
            block: Some(block),
        }
    }
}

impl Block {
    /// A block of the given attributes, without nested blocks.
    pub fn new(attributes: Vec<Attribute>) -> Self {
        Self {
            attributes,
            ..Self::default()
        }
    }

    /// This block with one more nested block.
    pub fn with_block(mut self, nested: NestedBlock) -> Self {
        self.blocks.push(nested);
        self
    }

    /// This block with a markdown description.
    pub fn description(mut self, markdown: &str) -> Self {
        self.description = markdown.to_owned();
        self
    }

    /// The object type of values of this block.
    pub fn value_type(&self) -> Type {
        let attrs = self
            .attributes
            .iter()
            .map(|a| (a.name.clone(), a.ty.clone()));
        let blocks = self
            .blocks
            .iter()
            .map(|b| (b.type_name.clone(), b.value_type()));
        Type::Object(attrs.chain(blocks).collect::<BTreeMap<_, _>>())
    }

    /// The attribute of that name, if any.
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// Sets every write-only attribute of a value of this block to null, at any depth, as
    /// Terraform requires in plans, new states and reads.
    pub fn null_write_only(&self, value: &mut Value) {
        for attr in self.attributes.iter().filter(|a| a.write_only) {
            if let Some(v) = value.get_mut(&attr.name) {
                *v = Value::Null;
            }
        }
        for nested in &self.blocks {
            match value.get_mut(&nested.type_name) {
                Some(Value::List(items) | Value::Set(items)) => {
                    items
                        .iter_mut()
                        .for_each(|v| nested.block.null_write_only(v));
                }
                Some(Value::Map(items)) => {
                    items
                        .values_mut()
                        .for_each(|v| nested.block.null_write_only(v));
                }
                Some(v @ Value::Object(_)) => nested.block.null_write_only(v),
                _ => {}
            }
        }
    }

    /// Paths of the write-only attributes that are set (not null) in a value of this block.
    pub fn set_write_only_paths(&self, value: &Value) -> Vec<AttributePath> {
        let mut found = Vec::new();
        self.collect_set_write_only(value, &AttributePath::default(), &mut found);
        found
    }

    fn collect_set_write_only(
        &self,
        value: &Value,
        at: &AttributePath,
        found: &mut Vec<AttributePath>,
    ) {
        for attr in self.attributes.iter().filter(|a| a.write_only) {
            if value.get(&attr.name).is_some_and(|v| !v.is_null()) {
                found.push(at.clone().attr(&attr.name));
            }
        }
        for nested in &self.blocks {
            let here = at.clone().attr(&nested.type_name);
            match value.get(&nested.type_name) {
                Some(Value::List(items)) => {
                    for (i, v) in items.iter().enumerate() {
                        let path = here.clone().index(i as i64);
                        nested.block.collect_set_write_only(v, &path, found);
                    }
                }
                Some(Value::Map(items)) => {
                    for (k, v) in items {
                        let path = here.clone().key(k);
                        nested.block.collect_set_write_only(v, &path, found);
                    }
                }
                Some(v @ Value::Object(_)) => nested.block.collect_set_write_only(v, &here, found),
                _ => {}
            }
        }
    }

    fn to_proto(&self) -> proto::schema::Block {
        proto::schema::Block {
            version: 0,
            attributes: self.attributes.iter().map(Attribute::to_proto).collect(),
            block_types: self.blocks.iter().map(NestedBlock::to_proto).collect(),
            description: self.description.clone(),
            description_kind: proto::StringKind::Markdown as i32,
            deprecated: self.deprecated,
            deprecation_message: String::new(),
        }
    }
}

impl Attribute {
    fn new(name: &str, ty: Type) -> Self {
        Self {
            name: name.to_owned(),
            ty,
            description: String::new(),
            required: false,
            optional: false,
            computed: false,
            sensitive: false,
            write_only: false,
            deprecated: false,
        }
    }

    /// An attribute the user must set.
    pub fn required(name: &str, ty: Type) -> Self {
        Self {
            required: true,
            ..Self::new(name, ty)
        }
    }

    /// An attribute the user may set; null otherwise.
    pub fn optional(name: &str, ty: Type) -> Self {
        Self {
            optional: true,
            ..Self::new(name, ty)
        }
    }

    /// An attribute only the provider sets.
    pub fn computed(name: &str, ty: Type) -> Self {
        Self {
            computed: true,
            ..Self::new(name, ty)
        }
    }

    /// An attribute the user may set, and the provider sets when the user does not.
    pub fn optional_computed(name: &str, ty: Type) -> Self {
        Self {
            optional: true,
            computed: true,
            ..Self::new(name, ty)
        }
    }

    /// This attribute, hidden in Terraform's output.
    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }

    /// This attribute, kept out of plan and state.
    pub fn write_only(mut self) -> Self {
        self.write_only = true;
        self
    }

    /// This attribute with a markdown description.
    pub fn description(mut self, markdown: &str) -> Self {
        self.description = markdown.to_owned();
        self
    }

    /// This attribute, marked as no longer to be used.
    pub fn deprecated(mut self) -> Self {
        self.deprecated = true;
        self
    }

    fn to_proto(&self) -> proto::schema::Attribute {
        proto::schema::Attribute {
            name: self.name.clone(),
            r#type: self.ty.to_json(),
            nested_type: None,
            description: self.description.clone(),
            required: self.required,
            optional: self.optional,
            computed: self.computed,
            sensitive: self.sensitive,
            description_kind: proto::StringKind::Markdown as i32,
            deprecated: self.deprecated,
            write_only: self.write_only,
            deprecation_message: String::new(),
        }
    }
}

impl NestedBlock {
    /// A nested block without item limits.
    pub fn new(type_name: &str, nesting: Nesting, block: Block) -> Self {
        Self {
            type_name: type_name.to_owned(),
            block,
            nesting,
            min_items: 0,
            max_items: 0,
        }
    }

    /// The type of this block's value inside its parent object.
    pub fn value_type(&self) -> Type {
        let object = self.block.value_type();
        match self.nesting {
            Nesting::Single | Nesting::Group => object,
            Nesting::List => Type::list(object),
            Nesting::Set => Type::set(object),
            Nesting::Map => Type::map(object),
        }
    }

    fn to_proto(&self) -> proto::schema::NestedBlock {
        let nesting = match self.nesting {
            Nesting::Single => NestingMode::Single,
            Nesting::List => NestingMode::List,
            Nesting::Set => NestingMode::Set,
            Nesting::Map => NestingMode::Map,
            Nesting::Group => NestingMode::Group,
        };
        proto::schema::NestedBlock {
            type_name: self.type_name.clone(),
            block: Some(self.block.to_proto()),
            nesting: nesting as i32,
            min_items: self.min_items,
            max_items: self.max_items,
        }
    }
}
