//! The documentation describes every attribute the schemas declare, as they declare it.

use terraform_provider_infomaniak::InfomaniakProvider;
use tfplugin::Provider;
use tfplugin::schema::Block;

fn check(block: &Block, doc_path: &str) {
    let doc = std::fs::read_to_string(format!("{}/{doc_path}", env!("CARGO_MANIFEST_DIR")))
        .unwrap_or_else(|err| panic!("{doc_path}: {err}"));
    for attribute in &block.attributes {
        let line = doc
            .lines()
            .find(|l| {
                l.trim_start()
                    .starts_with(&format!("- `{}` (", attribute.name))
            })
            .unwrap_or_else(|| panic!("{doc_path} does not document `{}`", attribute.name));
        assert_eq!(
            line.contains("Sensitive"),
            attribute.sensitive,
            "{doc_path}: sensitivity of `{}`",
            attribute.name
        );
    }
    for nested in &block.blocks {
        assert!(
            doc.contains(&format!("- `{}` (Block)", nested.type_name)),
            "{doc_path} does not document the `{}` block",
            nested.type_name
        );
    }
}

#[test]
fn provider_and_resource_docs_cover_their_schemas() {
    let provider = InfomaniakProvider::default();
    check(&provider.schema().block, "docs/index.md");
    for resource in provider.resources() {
        let name = resource
            .type_name()
            .trim_start_matches("infomaniak_")
            .to_string();
        check(
            &resource.schema().block,
            &format!("docs/resources/{name}.md"),
        );
    }
}
