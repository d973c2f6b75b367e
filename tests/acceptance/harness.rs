//! Runs real Terraform (and OpenTofu where installed) against an in-process emulator.
//!
//! Each test gets its own emulator on a free loopback port and its own working directory;
//! the provider under test is the binary cargo built, loaded through `dev_overrides`.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use infomaniak_cloud_emulator::{Config, Emulator};
use serde_json::Value as Json;
use tempfile::TempDir;

/// The token the emulator accepts in these tests.
pub const TOKEN: &str = "acceptance-token-3f9c2a";

/// The seeded public cloud and project.
pub const CLOUD: u64 = 1001;
pub const PROJECT: u64 = 2001;

/// A Terraform-compatible command line.
#[derive(Clone, Debug)]
pub struct Cli {
    pub name: String,
    pub path: PathBuf,
}

/// The CLIs to run every scenario with: `TF_ACC_CLI` (or `terraform` on PATH, or the one
/// `make terraform-cli` installs), plus `tofu` when it is on PATH.
pub fn clis() -> Vec<Cli> {
    let mut clis = Vec::new();
    let primary = std::env::var_os("TF_ACC_CLI")
        .map(PathBuf::from)
        .or_else(|| which("terraform"))
        .or_else(|| {
            let local = Path::new(env!("CARGO_MANIFEST_DIR")).join(".tools/bin/terraform");
            local.exists().then_some(local)
        })
        .expect("no Terraform CLI: run `make test`, which installs one, or set TF_ACC_CLI");
    clis.push(Cli {
        name: "terraform".into(),
        path: primary.clone(),
    });
    if let Some(tofu) = which("tofu").filter(|t| *t != primary) {
        clis.push(Cli {
            name: "tofu".into(),
            path: tofu,
        });
    }
    clis
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}

/// The result of one CLI run.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Both streams, for assertion messages and searches.
    pub fn output(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

/// One scenario's world: an emulator, a working directory and a CLI.
pub struct Env {
    _emulator: Emulator,
    pub api: String,
    pub cli: Cli,
    pub dir: TempDir,
    http: reqwest::Client,
}

impl Env {
    /// Starts an emulator with short latencies and a working directory for `cli`.
    pub async fn start(cli: &Cli) -> Env {
        Self::start_with(cli, |_| {}).await
    }

    /// Like [`Env::start`], with the emulator's configuration adjusted by `adjust`.
    pub async fn start_with(cli: &Cli, adjust: impl FnOnce(&mut Config)) -> Env {
        let mut config = Config {
            listen: "127.0.0.1:0".parse().unwrap(),
            token: TOKEN.into(),
            latency: Duration::from_millis(300),
            ..Config::default()
        };
        adjust(&mut config);
        let emulator = Emulator::start(config).await.expect("emulator starts");
        let api = emulator.base_url();
        let dir = tempfile::tempdir().expect("temp dir");
        let provider_dir = Path::new(env!("CARGO_BIN_EXE_terraform-provider-infomaniak"))
            .parent()
            .unwrap()
            .to_path_buf();
        std::fs::write(
            dir.path().join("cli.tfrc"),
            format!(
                "provider_installation {{\n  dev_overrides {{\n    \
                 \"registry.terraform.io/infomaniak/infomaniak\" = \"{}\"\n  }}\n  \
                 direct {{}}\n}}\n",
                provider_dir.display()
            ),
        )
        .unwrap();
        Env {
            _emulator: emulator,
            api,
            cli: cli.clone(),
            dir,
            http: reqwest::Client::new(),
        }
    }

    /// Writes the configuration, with the provider block, as `main.tf`.
    pub fn config(&self, body: &str) {
        let text = format!(
            "terraform {{\n  required_providers {{\n    infomaniak = {{ source = \
             \"infomaniak/infomaniak\" }}\n  }}\n}}\n\nprovider \"infomaniak\" {{}}\n\n{body}"
        );
        std::fs::write(self.dir.path().join("main.tf"), text).unwrap();
    }

    /// Runs the CLI with `args` and the given extra environment.
    pub async fn run_with(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut command = tokio::process::Command::new(&self.cli.path);
        command
            .args(args)
            .current_dir(self.dir.path())
            .env("TF_CLI_CONFIG_FILE", self.dir.path().join("cli.tfrc"))
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1")
            .env("INFOMANIAK_HOST", &self.api)
            .env("INFOMANIAK_TOKEN", TOKEN)
            .env_remove("TF_LOG")
            .env_remove("TF_LOG_PROVIDER")
            .stdin(Stdio::null())
            .kill_on_drop(true);
        for (key, value) in env {
            command.env(key, value);
        }
        let output = command.output().await.expect("CLI runs");
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Runs the CLI with `args`.
    pub async fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, &[]).await
    }

    /// `apply -auto-approve`, which must succeed.
    pub async fn apply(&self) -> Run {
        let run = self
            .run(&["apply", "-auto-approve", "-input=false", "-no-color"])
            .await;
        assert_eq!(run.code, 0, "apply failed:\n{}", run.output());
        run
    }

    /// `apply -auto-approve`, which must fail; returns its output.
    pub async fn apply_fails(&self) -> Run {
        let run = self
            .run(&["apply", "-auto-approve", "-input=false", "-no-color"])
            .await;
        assert_ne!(run.code, 0, "apply should fail:\n{}", run.output());
        run
    }

    /// `plan -detailed-exitcode`: 0 no changes, 2 changes; anything else panics.
    pub async fn plan(&self) -> Run {
        let run = self
            .run(&["plan", "-detailed-exitcode", "-input=false", "-no-color"])
            .await;
        assert!(
            run.code == 0 || run.code == 2,
            "plan failed:\n{}",
            run.output()
        );
        run
    }

    /// The planned resource changes as `show -json` of a saved plan gives them.
    pub async fn plan_json(&self) -> Json {
        let run = self
            .run(&["plan", "-out=tfplan", "-input=false", "-no-color"])
            .await;
        assert_eq!(run.code, 0, "plan failed:\n{}", run.output());
        let show = self.run(&["show", "-json", "tfplan"]).await;
        assert_eq!(show.code, 0, "show failed:\n{}", show.output());
        serde_json::from_str(&show.stdout).expect("plan JSON")
    }

    /// The actions planned for `address`, such as `["update"]` or `["delete","create"]`.
    pub async fn planned_actions(&self, address: &str) -> Vec<String> {
        let plan = self.plan_json().await;
        plan["resource_changes"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|change| change["address"] == address)
            .map(|change| {
                change["change"]["actions"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a.as_str().unwrap().to_string())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The state as `show -json` gives it.
    pub async fn state(&self) -> Json {
        let run = self.run(&["show", "-json"]).await;
        assert_eq!(run.code, 0, "show failed:\n{}", run.output());
        serde_json::from_str(&run.stdout).expect("state JSON")
    }

    /// The state entry of `address` (with `values` and `tainted`), if any.
    pub async fn resource(&self, address: &str) -> Option<Json> {
        let state = self.state().await;
        state["values"]["root_module"]["resources"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|r| r["address"] == address)
            .cloned()
    }

    /// Calls the emulator's control API.
    pub async fn control(&self, method: &str, path: &str, body: Option<Json>) -> Json {
        let url = format!("{}/_emulator{path}", self.api);
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self.http.request(method, &url);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("control API answers");
        assert!(
            response.status().is_success(),
            "control call {url} answered {}",
            response.status()
        );
        response.json().await.unwrap_or(Json::Null)
    }

    /// Queues one fault in the emulator.
    pub async fn fault(&self, fault: Json) {
        self.control("POST", "/faults", Some(fault)).await;
    }

    /// The API requests the emulator received, as `METHOD path` strings.
    pub async fn requests(&self) -> Vec<String> {
        let log = self.control("GET", "/requests", None).await;
        log["requests"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| {
                format!(
                    "{} {}",
                    r["method"].as_str().unwrap(),
                    r["path"].as_str().unwrap()
                )
            })
            .collect()
    }

    /// Forgets the request log.
    pub async fn clear_requests(&self) {
        self.control("DELETE", "/requests", None).await;
    }

    /// Every user the emulator holds, with the control API's extra fields.
    pub async fn users(&self) -> Vec<Json> {
        let users = self.control("GET", "/users", None).await;
        let list = users.get("users").cloned().unwrap_or(users);
        list.as_array().cloned().unwrap_or_default()
    }

    /// The state entry of `address`, which must be there and tainted.
    pub async fn tainted(&self, address: &str) -> Json {
        let user = self.resource(address).await.expect("kept in state");
        assert_eq!(user["tainted"], true, "{user}");
        user
    }

    /// Asserts that exactly one user has `description` and that `address` tracks it.
    pub async fn assert_one_tracked_user(&self, address: &str, description: &str) {
        let made: Vec<Json> = self
            .users()
            .await
            .into_iter()
            .filter(|u| u["description"] == description)
            .collect();
        assert_eq!(made.len(), 1, "one user, no duplicate: {made:?}");
        let user = self.resource(address).await.expect("in state");
        assert_ne!(user["tainted"], true, "{user}");
        assert_eq!(user["values"]["user_id"], made[0]["public_cloud_user_id"]);
    }

    /// Calls the API itself with the test token.
    pub async fn api_call(&self, method: &str, path: &str, body: Option<Json>) -> Json {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.api))
            .bearer_auth(TOKEN);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap().json().await.unwrap()
    }
}

/// The configuration of one user resource.
pub fn user_block(name: &str, description: &str, credential: &str) -> String {
    format!(
        "resource \"infomaniak_cloud_user\" \"{name}\" {{\n  public_cloud_id = {CLOUD}\n  \
         project_id = {PROJECT}\n  description = \"{description}\"\n  {credential}\n}}\n"
    )
}
