//! The `deploy/` folder: the Kubernetes Indexed Job that runs a sharded sweep is itself a
//! jobsim input (validated and simulated here, with its retry and bad-input rules), the
//! scenario in its ConfigMap loads, every YAML file parses, the shard counts of each engine
//! agree with their merge step, the Slurm scripts pass `bash -n` and hand the right
//! arguments to jobsim, and the Containerfile copies only what exists. No container
//! runtime, cluster, Argo or Slurm runs here: what only they could check is listed in
//! deploy/README.md.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::binary::{root, run, stderr, stdout};
use crate::common::run_file;

fn deploy(path: &str) -> PathBuf {
    root().join("deploy").join(path)
}

fn read(path: &str) -> String {
    std::fs::read_to_string(deploy(path)).unwrap_or_else(|e| panic!("deploy/{path}: {e}"))
}

/// Every YAML document of a file, as generic values.
fn documents(path: &Path) -> Vec<yaml_serde::Value> {
    let text = std::fs::read_to_string(path).unwrap();
    yaml_serde::Deserializer::from_str(&text)
        .map(|doc| {
            serde::Deserialize::deserialize(doc)
                .unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()))
        })
        .collect()
}

fn document(path: &str) -> yaml_serde::Value {
    let mut docs = documents(&deploy(path));
    assert_eq!(docs.len(), 1, "deploy/{path}: one document");
    docs.remove(0)
}

/// The string items of a YAML sequence.
fn strings(v: &yaml_serde::Value) -> Vec<String> {
    v.as_sequence()
        .expect("a list")
        .iter()
        .map(|s| s.as_str().expect("a string").to_string())
        .collect()
}

/// The value after `flag` in an argument list.
fn flag_value(args: &[String], flag: &str) -> String {
    let at = args
        .iter()
        .position(|a| a == flag)
        .unwrap_or_else(|| panic!("{flag} missing from {args:?}"));
    args[at + 1].clone()
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            yaml_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
            out.push(p);
        }
    }
}

#[test]
fn the_deploy_job_manifests_pass_jobsim_validate() {
    for file in [
        "deploy/kubernetes/sweep-job.yaml",
        "deploy/kubernetes/merge-job.yaml",
    ] {
        let o = run(&["validate", file]);
        assert_eq!(o.status.code(), Some(0), "{file}: {}", stderr(&o));
        assert!(stdout(&o).contains("valid (1 object(s))"), "{}", stdout(&o));
        // Volumes and the security context are not modelled: warnings, never errors.
        assert!(!stderr(&o).contains("error"), "{file}: {}", stderr(&o));
    }
}

#[test]
fn the_deploy_sweep_job_simulated_as_a_bare_manifest_completes_every_shard() {
    let run = run_file(&deploy("kubernetes/sweep-job.yaml"), None);
    let job = run.job("jobsim-sweep");
    assert_eq!(job.outcome, "Complete", "{}", job.reason);
    assert_eq!(job.succeeded, 4);
    assert_eq!(job.completed_indexes.as_deref(), Some("0-3"));
    // One pod per shard, all four at once (parallelism 4 on the default cluster).
    let created: Vec<u64> = run.creations("jobsim-sweep");
    assert_eq!(created.len(), 4, "{created:?}");
    assert!(created.iter().all(|&t| t == created[0]), "{created:?}");
}

#[test]
fn the_deploy_sweep_job_retries_a_lost_shard_alone_and_fails_at_once_on_bad_input() {
    // deploy/kubernetes/simulate/ replays sweep-job.yaml with a shard lost (exit 137:
    // backoffLimitPerIndex retries that index alone) and a shard exiting 2 (jobsim's bad
    // input: the podFailurePolicy FailJob rule ends the Job without a retry).
    let o = run(&["check", "deploy/kubernetes/simulate/"]);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{text}{}", stderr(&o));
    assert!(text.contains("ok: 2 scenario(s)"), "{text}");
    assert!(
        text.contains("PASS job/jobsim-sweep Failed (PodFailurePolicy)"),
        "{text}"
    );
}

#[test]
fn the_deploy_job_fails_on_the_exit_code_jobsim_gives_bad_input() {
    // The FailJob rule names exit code 2; a scenario that does not load exits 2.
    let job = document("kubernetes/sweep-job.yaml");
    let rule = &job["spec"]["podFailurePolicy"]["rules"][0];
    assert_eq!(rule["action"].as_str(), Some("FailJob"));
    assert_eq!(rule["onExitCodes"]["values"][0].as_u64(), Some(2));
    assert_eq!(rule["onExitCodes"]["operator"].as_str(), Some("In"));
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yaml");
    std::fs::write(
        &bad,
        "apiVersion: jobsim/v1\nkind: Scenario\nspec: {seeds: 1}\n",
    )
    .unwrap();
    let o = run(&["validate", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn the_scenario_in_the_deploy_config_map_loads_and_has_the_varied_pool() {
    let cm = document("kubernetes/scenario-configmap.yaml");
    assert_eq!(cm["kind"].as_str(), Some("ConfigMap"));
    let scenario = cm["data"]["scenario.yaml"]
        .as_str()
        .expect("data.scenario.yaml");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("scenario.yaml");
    std::fs::write(&file, scenario).unwrap();
    let file = file.to_str().unwrap();
    let o = run(&["validate", file]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // The sweep varies cluster.nodePools.batch.count; --set takes the same paths, so a run
    // with the smallest varied value proves the path names a field of this scenario.
    let job = document("kubernetes/sweep-job.yaml");
    let args = strings(&job["spec"]["template"]["spec"]["containers"][0]["args"]);
    let vary = flag_value(&args, "--vary");
    let (path, values) = vary.split_once('=').unwrap();
    assert_eq!(path, "cluster.nodePools.batch.count");
    let lowest = values.split("..").next().unwrap();
    let out = dir.path().join("out");
    let set = format!("{path}={lowest}");
    let o = run(&[
        "run",
        file,
        "--set",
        &set,
        "--out",
        out.to_str().unwrap(),
        "--quiet",
        "--no-charts",
        "--check",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
}

#[test]
fn every_yaml_file_under_deploy_parses() {
    let mut files = Vec::new();
    yaml_files(&root().join("deploy"), &mut files);
    files.sort();
    assert!(files.len() >= 8, "{files:?}");
    for f in &files {
        let docs = documents(f);
        assert!(!docs.is_empty(), "{}", f.display());
        for d in &docs {
            assert!(d.as_mapping().is_some(), "{}: not a mapping", f.display());
            // Kubernetes objects and jobsim scenarios name their kind; the Actions workflow
            // has jobs instead.
            assert!(
                d.get("kind").is_some() || d.get("jobs").is_some(),
                "{}",
                f.display()
            );
        }
    }
}

#[test]
fn each_engine_merges_exactly_the_shards_it_runs() {
    // Kubernetes: completions = --shards = the folders merge-job.yaml names.
    let job = document("kubernetes/sweep-job.yaml");
    let spec = &job["spec"];
    assert_eq!(spec["completionMode"].as_str(), Some("Indexed"));
    assert_eq!(spec["backoffLimitPerIndex"].as_u64(), Some(1));
    let shards = spec["completions"].as_u64().unwrap();
    assert_eq!(spec["parallelism"].as_u64(), Some(shards));
    let args = strings(&spec["template"]["spec"]["containers"][0]["args"]);
    assert_eq!(args[0], "sweep");
    assert_eq!(flag_value(&args, "--shard"), "auto");
    assert_eq!(flag_value(&args, "--shards"), shards.to_string());
    assert_eq!(
        flag_value(&args, "--out"),
        "/results/shard-$(JOB_COMPLETION_INDEX)"
    );
    let merge = document("kubernetes/merge-job.yaml");
    let margs = strings(&merge["spec"]["template"]["spec"]["containers"][0]["args"]);
    let expected: Vec<String> = std::iter::once("merge".to_string())
        .chain((0..shards).map(|i| format!("/results/shard-{i}")))
        .chain(["--out".to_string(), "/results/merged".to_string()])
        .collect();
    assert_eq!(margs, expected);

    // GitHub Actions: the matrix lists 1..=SHARDS (`--shard I/N` is 1-based).
    let gha = document("github-actions/sweep.yml");
    let n: u64 = gha["env"]["SHARDS"].as_str().unwrap().parse().unwrap();
    let matrix: Vec<u64> = gha["jobs"]["shard"]["strategy"]["matrix"]["shard"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert_eq!(matrix, (1..=n).collect::<Vec<_>>());
    assert_eq!(gha["jobs"]["merge"]["needs"].as_str(), Some("shard"));

    // Argo: a sequence from 1 to the shards parameter, then the merge step.
    let wf = document("argo/sweep-workflow.yaml");
    let steps = &wf["spec"]["templates"][0]["steps"];
    let fan = &steps[0][0];
    assert_eq!(fan["withSequence"]["start"].as_str(), Some("1"));
    assert_eq!(
        fan["withSequence"]["end"].as_str(),
        Some("{{workflow.parameters.shards}}")
    );
    assert_eq!(steps[1][0]["template"].as_str(), Some("merge"));

    // Slurm: an array numbered from 0, as --shard auto reads SLURM_ARRAY_TASK_ID.
    assert!(read("slurm/sweep.sbatch").contains("#SBATCH --array=0-3\n"));
}

#[test]
fn the_slurm_scripts_pass_bash_n() {
    for f in ["slurm/sweep.sbatch", "slurm/merge.sbatch"] {
        let o = Command::new("bash")
            .arg("-n")
            .arg(deploy(f))
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{f}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

/// A stand-in for jobsim that writes its arguments, one a line, to `$ARGS_FILE`.
fn argument_recorder(dir: &Path) -> PathBuf {
    let stub = dir.join("jobsim-stub");
    std::fs::write(&stub, "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$ARGS_FILE\"\n").unwrap();
    let mut perm = std::fs::metadata(&stub).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perm, 0o755);
    std::fs::set_permissions(&stub, perm).unwrap();
    stub
}

#[test]
fn the_slurm_array_task_runs_its_shard_and_the_merge_step_takes_every_shard() {
    let dir = tempfile::tempdir().unwrap();
    let stub = argument_recorder(dir.path());
    let results = dir.path().join("results");
    let args_file = dir.path().join("args");
    let o = Command::new("bash")
        .arg(deploy("slurm/sweep.sbatch"))
        .arg("scenario.yaml")
        .env("JOBSIM", &stub)
        .env("JOBSIM_RESULTS", &results)
        .env("ARGS_FILE", &args_file)
        .env("SLURM_ARRAY_TASK_ID", "2")
        .env("SLURM_ARRAY_TASK_COUNT", "4")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let args: Vec<String> = std::fs::read_to_string(&args_file)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(&args[..2], ["sweep", "scenario.yaml"]);
    assert_eq!(flag_value(&args, "--shard"), "auto");
    assert_eq!(
        flag_value(&args, "--out"),
        results.join("shard-2").to_str().unwrap()
    );

    // Outside an array task the script refuses instead of writing an unnamed shard.
    let o = Command::new("bash")
        .arg(deploy("slurm/sweep.sbatch"))
        .arg("scenario.yaml")
        .env("JOBSIM", &stub)
        .env("JOBSIM_RESULTS", &results)
        .env("ARGS_FILE", dir.path().join("unused"))
        .env_remove("SLURM_ARRAY_TASK_ID")
        .output()
        .unwrap();
    assert!(!o.status.success());

    for i in 0..4 {
        std::fs::create_dir_all(results.join(format!("shard-{i}"))).unwrap();
    }
    let o = Command::new("bash")
        .arg(deploy("slurm/merge.sbatch"))
        .env("JOBSIM", &stub)
        .env("JOBSIM_RESULTS", &results)
        .env("ARGS_FILE", &args_file)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let args = std::fs::read_to_string(&args_file).unwrap();
    let r = results.to_str().unwrap();
    assert_eq!(
        args,
        format!("merge\n{r}/shard-0\n{r}/shard-1\n{r}/shard-2\n{r}/shard-3\n--out\n{r}/merged\n")
    );
}

#[test]
fn the_containerfile_builds_in_one_stage_and_runs_jobsim_in_a_slim_one() {
    let text = read("Containerfile");
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let froms: Vec<&&str> = lines.iter().filter(|l| l.starts_with("FROM ")).collect();
    assert_eq!(froms.len(), 2, "{froms:?}");
    assert!(froms[0].contains("rust") && froms[0].ends_with(" AS build"));
    assert!(froms[1].contains("-slim"), "{}", froms[1]);
    // Every path the build stage copies from the repository exists.
    for l in lines.iter().filter(|l| l.starts_with("COPY ")) {
        if l.contains("--from=") {
            continue;
        }
        let words: Vec<&str> = l.split_whitespace().collect();
        for src in &words[1..words.len() - 1] {
            assert!(root().join(src).exists(), "COPY {src}: no such path");
        }
    }
    assert!(text.contains("cargo build --release --locked --bin jobsim"));
    assert!(text.contains("COPY --from=build /src/target/release/jobsim /usr/local/bin/jobsim"));
    assert!(text.contains("ENTRYPOINT [\"jobsim\"]"));
}
