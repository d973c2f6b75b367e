//! The `terraform-provider-infomaniak` plugin binary: Terraform or OpenTofu starts it.

use std::process::ExitCode;

use terraform_provider_infomaniak::InfomaniakProvider;

fn main() -> ExitCode {
    match std::env::args().nth(1).as_deref() {
        Some("--version" | "-V") => {
            println!(
                "terraform-provider-infomaniak {}",
                terraform_provider_infomaniak::VERSION
            );
            return ExitCode::SUCCESS;
        }
        Some("--help" | "-h") => {
            println!(
                "terraform-provider-infomaniak {}\n\n\
                 The Infomaniak provider for Terraform and OpenTofu. Terraform starts it; it is \
                 not meant to be run by hand.\n\n\
                 Options:\n  \
                 --debug     serve for a debugger and print the TF_REATTACH_PROVIDERS to export\n  \
                 --version   print the version\n  \
                 --help      print this help",
                terraform_provider_infomaniak::VERSION
            );
            return ExitCode::SUCCESS;
        }
        _ => {}
    }
    tfplugin::serve(
        InfomaniakProvider::default(),
        tfplugin::ServeOptions {
            provider_address: terraform_provider_infomaniak::PROVIDER_ADDRESS.to_string(),
            log_module: "provider.infomaniak".to_string(),
        },
    )
}
