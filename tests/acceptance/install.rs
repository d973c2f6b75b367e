//! The CLI finds and loads the provider, both in development and as a released build.

use std::path::Path;

use crate::harness::{Env, clis};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn providers_schema_through_dev_overrides() {
    for cli in clis() {
        let env = Env::start(&cli).await;
        env.config("");
        let run = env.run(&["providers", "schema", "-json"]).await;
        assert_eq!(run.code, 0, "{}", run.output());
        let schema: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        let provider = &schema["provider_schemas"]["registry.terraform.io/infomaniak/infomaniak"];
        let config = &provider["provider"]["block"]["attributes"];
        assert_eq!(config["token"]["sensitive"], true);
        assert_eq!(config["token"]["optional"], true);
        assert_eq!(config["host"]["type"], "string");
        let user = &provider["resource_schemas"]["infomaniak_cloud_user"]["block"];
        assert_eq!(user["attributes"]["username"]["computed"], true);
        assert_eq!(user["attributes"]["password"]["sensitive"], true);
        assert_eq!(user["attributes"]["public_cloud_id"]["required"], true);
        assert!(user["block_types"]["timeouts"].is_object());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn init_installs_from_a_filesystem_mirror_and_locks_it() {
    for cli in clis() {
        let env = Env::start(&cli).await;
        let dir = env.dir.path();
        let version = env!("CARGO_PKG_VERSION");
        let platform = dir.join(format!(
            "mirror/registry.terraform.io/infomaniak/infomaniak/{version}/linux_amd64"
        ));
        std::fs::create_dir_all(&platform).unwrap();
        std::fs::copy(
            env!("CARGO_BIN_EXE_terraform-provider-infomaniak"),
            platform.join(format!("terraform-provider-infomaniak_v{version}")),
        )
        .unwrap();
        std::fs::write(
            dir.join("cli.tfrc"),
            format!(
                "provider_installation {{\n  filesystem_mirror {{\n    path = \"{}\"\n  }}\n}}\n",
                dir.join("mirror").display()
            ),
        )
        .unwrap();
        env.config("");

        let run = env.run(&["init", "-input=false", "-no-color"]).await;
        assert_eq!(run.code, 0, "{}", run.output());
        let lock = std::fs::read_to_string(dir.join(".terraform.lock.hcl")).expect("lock file");
        assert!(
            lock.contains("registry.terraform.io/infomaniak/infomaniak"),
            "{lock}"
        );
        assert!(lock.contains(&format!("version = \"{version}\"")), "{lock}");
        assert!(
            Path::new(dir)
                .join(".terraform/providers/registry.terraform.io/infomaniak/infomaniak")
                .exists()
        );

        // The installed provider answers a real command.
        let validate = env.run(&["validate", "-no-color"]).await;
        assert_eq!(validate.code, 0, "{}", validate.output());
    }
}
