//! Schemas as Terraform receives them, and the value types they imply.

use magma_protocol::tfplugin6 as proto;
use proto::schema::nested_block::NestingMode;
use tfplugin::schema::{Attribute, Block, NestedBlock, Nesting, Schema};
use tfplugin::value::{Type, Value, decode_msgpack, encode_msgpack};

fn user_schema() -> Schema {
    let timeouts = Block::new(vec![Attribute::optional("create", Type::String)]);
    let rule = Block::new(vec![Attribute::required("port", Type::Number)]);
    let block = Block::new(vec![
        Attribute::computed("id", Type::String).description("The user's **id**."),
        Attribute::required("project_id", Type::Number),
        Attribute::optional("description", Type::String),
        Attribute::optional_computed("name", Type::String),
        Attribute::optional("password_wo", Type::String)
            .sensitive()
            .write_only(),
        Attribute::optional("tags", Type::map(Type::String)).deprecated(),
    ])
    .with_block(NestedBlock::new("timeouts", Nesting::Single, timeouts))
    .with_block(NestedBlock {
        max_items: 3,
        ..NestedBlock::new("rule", Nesting::List, rule)
    })
    .description("An OpenStack user of a Public Cloud project.");
    Schema::new(2, block)
}

fn attribute<'a>(block: &'a proto::schema::Block, name: &str) -> &'a proto::schema::Attribute {
    block
        .attributes
        .iter()
        .find(|a| a.name == name)
        .expect(name)
}

#[test]
fn attributes_encode_with_their_flags() {
    let wire = user_schema().to_proto();
    assert_eq!(wire.version, 2);
    let block = wire.block.as_ref().unwrap();
    let flags = |name| {
        let a = attribute(block, name);
        (
            a.required,
            a.optional,
            a.computed,
            a.sensitive,
            a.write_only,
        )
    };

    assert_eq!(flags("id"), (false, false, true, false, false));
    assert_eq!(flags("project_id"), (true, false, false, false, false));
    assert_eq!(flags("description"), (false, true, false, false, false));
    assert_eq!(flags("name"), (false, true, true, false, false));
    assert_eq!(flags("password_wo"), (false, true, false, true, true));
    assert!(attribute(block, "tags").deprecated);
    assert!(!attribute(block, "name").deprecated);
}

#[test]
fn types_are_cty_json_and_descriptions_markdown() {
    let wire = user_schema().to_proto();
    let block = wire.block.as_ref().unwrap();

    assert_eq!(attribute(block, "id").r#type, br#""string""#);
    assert_eq!(attribute(block, "tags").r#type, br#"["map","string"]"#);
    assert_eq!(attribute(block, "id").description, "The user's **id**.");
    assert_eq!(
        block.description,
        "An OpenStack user of a Public Cloud project."
    );

    let markdown = proto::StringKind::Markdown as i32;
    assert_eq!(block.description_kind, markdown);
    assert!(
        block
            .attributes
            .iter()
            .all(|a| a.description_kind == markdown)
    );
    assert!(
        block
            .block_types
            .iter()
            .all(|b| b.block.as_ref().unwrap().description_kind == markdown)
    );
}

#[test]
fn nested_blocks_encode_nesting_and_limits() {
    let wire = user_schema().to_proto();
    let block = wire.block.unwrap();
    let [timeouts, rule] = block.block_types.as_slice() else {
        panic!("expected two nested blocks, got {:?}", block.block_types);
    };

    assert_eq!(timeouts.type_name, "timeouts");
    assert_eq!(timeouts.nesting, NestingMode::Single as i32);
    let inner = timeouts.block.as_ref().unwrap();
    assert_eq!(attribute(inner, "create").r#type, br#""string""#);
    assert!(attribute(inner, "create").optional);

    assert_eq!(rule.nesting, NestingMode::List as i32);
    assert_eq!((rule.min_items, rule.max_items), (0, 3));
}

#[test]
fn value_type_covers_attributes_and_blocks() {
    let expected = Type::object([
        ("id", Type::String),
        ("project_id", Type::Number),
        ("description", Type::String),
        ("name", Type::String),
        ("password_wo", Type::String),
        ("tags", Type::map(Type::String)),
        ("timeouts", Type::object([("create", Type::String)])),
        ("rule", Type::list(Type::object([("port", Type::Number)]))),
    ]);
    assert_eq!(user_schema().value_type(), expected);
}

#[test]
fn nesting_modes_give_collection_types() {
    let block = Block::new(vec![Attribute::required("a", Type::Bool)]);
    let object = Type::object([("a", Type::Bool)]);
    let ty = |nesting| NestedBlock::new("b", nesting, block.clone()).value_type();

    assert_eq!(ty(Nesting::Single), object);
    assert_eq!(ty(Nesting::Group), object);
    assert_eq!(ty(Nesting::List), Type::list(object.clone()));
    assert_eq!(ty(Nesting::Set), Type::set(object.clone()));
    assert_eq!(ty(Nesting::Map), Type::map(object));
}

#[test]
fn null_write_only_clears_secrets_and_keeps_the_rest() {
    let schema = user_schema();
    let ty = schema.value_type();
    let config = Value::object([
        ("project_id", Value::int(1)),
        ("password_wo", Value::string("secret")),
        ("rule", Value::List(vec![])),
    ]);
    let mut planned = decode_msgpack(&encode_msgpack(&config, &ty).unwrap(), &ty).unwrap();

    schema.block.null_write_only(&mut planned);
    assert_eq!(planned.get("password_wo"), Some(&Value::Null));
    assert_eq!(planned.get("project_id"), Some(&Value::int(1)));
}

#[test]
fn set_write_only_paths_name_each_secret_that_is_set() {
    let schema = user_schema();
    let with_secret = Value::object([
        ("project_id", Value::int(1)),
        ("password_wo", Value::string("secret")),
    ]);
    let paths: Vec<String> = schema
        .block
        .set_write_only_paths(&with_secret)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(paths, ["password_wo"]);

    let without = Value::object([("project_id", Value::int(1)), ("password_wo", Value::Null)]);
    assert!(schema.block.set_write_only_paths(&without).is_empty());
}
