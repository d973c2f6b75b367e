# The two commands a new machine needs: `make demo` and `make test`.
# Everything they use (a Terraform CLI included) is set up by the targets below.

CARGO ?= cargo
RELEASE_BINS = target/release/terraform-provider-infomaniak target/release/infomaniak-cloud-emulator

.PHONY: all build release demo test test-unit test-acceptance lint fmt terraform-cli docs clean

all: build

## build: debug builds of the provider and the emulator
build:
	$(CARGO) build --workspace --bins

## release: optimised builds, as the demo runs them
release:
	$(CARGO) build --release --workspace --bins

## terraform-cli: make sure a Terraform-compatible CLI exists (installs one under .tools if none)
terraform-cli:
	@scripts/terraform-cli.sh >/dev/null

## demo: the whole main job with real Terraform against a local emulator
demo: release terraform-cli
	@TERRAFORM="$$(scripts/terraform-cli.sh)" scripts/demo.sh

## test: everything the project tests (lint, unit, integration, acceptance with real Terraform)
test: lint terraform-cli
	TF_ACC_CLI="$$(scripts/terraform-cli.sh)" scripts/run-tests.sh

## lint: formatting and clippy, warnings are errors
lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

clean:
	$(CARGO) clean
	rm -rf .demo
