use crate::helpers::{startup_failure, startup_failure_in};

const HEAD: &str = "spin_manifest_version = 2\n[application]\nname = \"broken\"\n";

fn with_head(rest: &str) -> String {
    format!("{HEAD}{rest}")
}

const GOOD_TRIGGER: &str = "[[trigger.http]]\nroute = \"/...\"\ncomponent = \"app\"\n";

fn rejected(manifest: &str, expected: &[&str]) {
    let (status, stderr) = startup_failure(manifest, &[]);
    assert_eq!(status.code(), Some(1), "{stderr}");
    for e in expected {
        assert!(stderr.contains(e), "expected `{e}` in:\n{stderr}");
    }
}

#[test]
fn invalid_toml_is_reported_with_its_line() {
    rejected(
        &with_head("[component.app\nsource = 1\n"),
        &["not valid TOML", "line 4"],
    );
}

#[test]
fn a_missing_or_wrong_manifest_version_is_named() {
    rejected(
        "[application]\nname = \"x\"\n",
        &["`spin_manifest_version` is missing"],
    );
    rejected(
        "spin_manifest_version = 1\n[application]\nname = \"x\"\n",
        &["only version 2 is supported"],
    );
}

#[test]
fn an_unknown_key_is_named_with_a_suggestion() {
    rejected(
        &with_head(&format!(
            "{GOOD_TRIGGER}[component.app]\nsorce = \"{{spin_app}}\"\n"
        )),
        &["unknown key `component.app.sorce`: did you mean `component.app.source`?"],
    );
}

#[test]
fn a_bad_route_is_explained() {
    rejected(
        &with_head(
            "[[trigger.http]]\nroute = \"api/...\"\ncomponent = \"app\"\n[component.app]\nsource = \"{spin_app}\"\n",
        ),
        &["route `api/...` is invalid: a route must start with `/`"],
    );
    rejected(
        &with_head(
            "[[trigger.http]]\nroute = \"/a/.../b\"\ncomponent = \"app\"\n[component.app]\nsource = \"{spin_app}\"\n",
        ),
        &["`...` is only allowed as the last segment"],
    );
}

#[test]
fn a_trigger_naming_an_undefined_component_gets_a_suggestion() {
    rejected(
        &with_head(
            "[[trigger.http]]\nroute = \"/...\"\ncomponent = \"ap\"\n[component.app]\nsource = \"{spin_app}\"\n",
        ),
        &["component `ap` is not defined: did you mean `app`?"],
    );
}

#[test]
fn a_missing_wasm_file_says_how_to_build_it() {
    rejected(
        &with_head(&format!(
            "{GOOD_TRIGGER}[component.app]\nsource = \"target/nothing.wasm\"\n[component.app.build]\ncommand = \"cargo build\"\n"
        )),
        &[
            "source `target/nothing.wasm` does not exist",
            "edgecart up --build",
        ],
    );
}

#[test]
fn a_reference_to_an_undefined_variable_is_named() {
    rejected(
        &with_head(&format!(
            "{GOOD_TRIGGER}[component.app]\nsource = \"{{spin_app}}\"\nvariables = {{ key = \"{{{{ stripe_key }}}}\" }}\n"
        )),
        &["variable `key` refers to `{{ stripe_key }}`, which is not declared"],
    );
}

#[test]
fn a_required_variable_with_a_default_is_contradictory() {
    rejected(
        &with_head(&format!(
            "[variables]\nkey = {{ required = true, default = \"x\" }}\n{GOOD_TRIGGER}[component.app]\nsource = \"{{spin_app}}\"\n"
        )),
        &["variable `key` is `required` and has a `default`"],
    );
}

#[test]
fn a_malformed_outbound_host_is_explained() {
    rejected(
        &with_head(&format!(
            "{GOOD_TRIGGER}[component.app]\nsource = \"{{spin_app}}\"\nallowed_outbound_hosts = [\"api.stripe.com\", \"https://x.com/path\"]\n"
        )),
        &[
            "entry `api.stripe.com`: it has no scheme",
            "entry `https://x.com/path`: it has a path",
        ],
    );
}

#[test]
fn invalid_ids_and_variable_names_are_rejected() {
    rejected(
        &with_head(
            "[[trigger.http]]\nroute = \"/...\"\ncomponent = \"MyApp\"\n[component.MyApp]\nsource = \"{spin_app}\"\n",
        ),
        &["`MyApp` is not a valid id"],
    );
    rejected(
        &with_head(&format!(
            "[variables]\n\"Api-Key\" = {{ default = \"x\" }}\n{GOOD_TRIGGER}[component.app]\nsource = \"{{spin_app}}\"\n"
        )),
        &["`Api-Key` is not a valid variable name"],
    );
}

#[test]
fn duplicate_routes_and_missing_triggers_are_rejected() {
    rejected(
        &with_head(&format!(
            "{GOOD_TRIGGER}{GOOD_TRIGGER}[component.app]\nsource = \"{{spin_app}}\"\n"
        )),
        &["route `/...` is declared twice"],
    );
    rejected(
        &with_head("[component.app]\nsource = \"{spin_app}\"\n"),
        &["the application has no HTTP trigger"],
    );
}

#[test]
fn a_file_that_is_not_a_component_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("fake.wasm"), b"\0asm not really").unwrap();
    let (status, stderr) = startup_failure_in(
        dir.path(),
        &with_head(&format!(
            "{GOOD_TRIGGER}[component.app]\nsource = \"fake.wasm\"\n"
        )),
        &[],
    );
    assert_eq!(status.code(), Some(1));
    assert!(
        stderr.contains("is not a valid WebAssembly component"),
        "{stderr}"
    );
}

#[test]
fn every_problem_is_reported_in_one_pass() {
    let manifest = with_head(
        "[variables]\nbad = { required = true, default = \"x\" }\n\
         [[trigger.http]]\nroute = \"nope\"\ncomponent = \"missing\"\n\
         [component.app]\nsource = \"gone.wasm\"\nallowed_outbound_hosts = [\"ftp\"]\ncolour = \"red\"\n",
    );
    let (status, stderr) = startup_failure(&manifest, &[]);
    assert_eq!(status.code(), Some(1));
    for e in [
        "variable `bad` is `required`",
        "route `nope` is invalid",
        "component `missing` is not defined",
        "source `gone.wasm` does not exist",
        "entry `ftp`",
        "unknown key `component.app.colour`",
    ] {
        assert!(stderr.contains(e), "expected `{e}` in:\n{stderr}");
    }
    assert!(stderr.contains("6 problems found"), "{stderr}");
}

#[test]
fn a_bad_edgecart_tool_setting_is_named() {
    rejected(
        &with_head(&format!(
            "{GOOD_TRIGGER}[component.app]\nsource = \"{{spin_app}}\"\n[component.app.tool.edgecart]\npriority = \"urgent\"\n"
        )),
        &[
            "component `app`: `tool.edgecart.priority` must be \"normal\" or \"background\", not \"urgent\"",
        ],
    );
    rejected(
        &with_head(&format!(
            "{GOOD_TRIGGER}[component.app]\nsource = \"{{spin_app}}\"\n[component.app.tool.edgecart]\npriorty = \"background\"\n[component.app.tool.other]\nanything = 1\n"
        )),
        &[
            "unknown key `component.app.tool.edgecart.priorty`: did you mean `component.app.tool.edgecart.priority`?",
        ],
    );
}
