//! Which runs of a sweep this process runs: all of them, every N-th (`--shard I/N`), the
//! shard an array job's environment names (`--shard auto`), or exactly one (`--run-index`).
//!
//! Shards are 1-based on the command line, as `cargo nextest --partition` counts them:
//! shard `I/N` runs the runs whose canonical index `k` (0-based) has `k % N == I − 1`, so
//! every shard gets runs of every variant and the N shards together run each run once.
//! Array schedulers number their tasks from 0 (`JOB_COMPLETION_INDEX`,
//! `AWS_BATCH_JOB_ARRAY_INDEX`) or from the array's first index (Slurm); [`from_env`] turns
//! each into the same 1-based shard.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The part of a sweep one process runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Part {
    /// Every run.
    All,
    /// Shard `index` of `count` (1-based): runs `k` with `k % count == index − 1`.
    Shard {
        /// 1-based.
        index: u64,
        /// How many shards the sweep is split into.
        count: u64,
    },
    /// Exactly the run with this canonical index.
    Run(u64),
}

impl Part {
    /// Whether the run with canonical index `k` belongs to this part.
    pub fn contains(&self, k: u64) -> bool {
        match *self {
            Part::All => true,
            Part::Shard { index, count } => k % count == index - 1,
            Part::Run(r) => k == r,
        }
    }

    /// The runs of this part among `total`, in canonical order.
    pub fn runs(&self, total: u64) -> Vec<u64> {
        match *self {
            Part::All => (0..total).collect(),
            Part::Shard { index, count } => (index - 1..total).step_by(count as usize).collect(),
            Part::Run(r) => (r < total).then_some(r).into_iter().collect(),
        }
    }
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Part::All => f.write_str("all runs"),
            Part::Shard { index, count } => write!(f, "shard {index}/{count}"),
            Part::Run(k) => write!(f, "run {k}"),
        }
    }
}

/// Why a shard could not be worked out.
#[allow(missing_docs)] // each message says what its fields are
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardError {
    /// `--shard` is neither `I/N` nor `auto`.
    #[error(
        "--shard {0:?}: expected I/N with 1 <= I <= N (as 2/8), or `auto` (from JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID or AWS_BATCH_JOB_ARRAY_INDEX)"
    )]
    Syntax(String),
    /// `--shard auto` without any of the variables.
    #[error(
        "--shard auto: none of JOB_COMPLETION_INDEX (Kubernetes Indexed Job), SLURM_ARRAY_TASK_ID (Slurm array) or AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch array) is set"
    )]
    NoEnvironment,
    /// A variable holds something other than a number.
    #[error("--shard auto: {name}={value:?} is not a whole number")]
    NotANumber { name: &'static str, value: String },
    /// The environment names no shard count and `--shards` was not given.
    #[error("--shard auto: {0} gives this task's index but not how many there are: add --shards N")]
    NoCount(&'static str),
    /// The index is not below the count.
    #[error("--shard auto: {name} gives index {index} (0-based), not below the {count} shards")]
    OutOfRange {
        name: &'static str,
        index: u64,
        count: u64,
    },
    /// `--shards` and the environment disagree.
    #[error("--shards {given} but {name} says {env}")]
    CountMismatch {
        given: u64,
        name: &'static str,
        env: u64,
    },
}

/// Reads `--shard I/N` (1-based).
pub fn parse_shard(text: &str) -> Result<Part, ShardError> {
    let err = || ShardError::Syntax(text.to_string());
    let (i, n) = text.split_once('/').ok_or_else(err)?;
    let (i, n) = (
        i.trim().parse::<u64>().map_err(|_| err())?,
        n.trim().parse::<u64>().map_err(|_| err())?,
    );
    if i == 0 || n == 0 || i > n {
        return Err(err());
    }
    Ok(Part::Shard { index: i, count: n })
}

/// The shard an array job's environment names, read through `var` (the process environment
/// in the CLI): the first of
///
/// - `JOB_COMPLETION_INDEX` (Kubernetes Indexed Job, 0-based; the count is `--shards`, as a
///   pod is not told its Job's `completions`);
/// - `SLURM_ARRAY_TASK_ID` (Slurm; minus `SLURM_ARRAY_TASK_MIN` and divided by
///   `SLURM_ARRAY_TASK_STEP` when they are set, so `--array=1-8` works as well as `0-7`),
///   counted by `SLURM_ARRAY_TASK_COUNT`;
/// - `AWS_BATCH_JOB_ARRAY_INDEX` (AWS Batch, 0-based), counted by
///   `AWS_BATCH_JOB_ARRAY_SIZE`;
///
/// with `shards` (`--shards N`) as the count where the environment has none, and checked
/// against it where it has one.
pub fn from_env(
    var: &dyn Fn(&str) -> Option<String>,
    shards: Option<u64>,
) -> Result<Part, ShardError> {
    let number = |name: &'static str| -> Result<Option<u64>, ShardError> {
        match var(name) {
            None => Ok(None),
            Some(v) => v
                .trim()
                .parse::<u64>()
                .map(Some)
                .map_err(|_| ShardError::NotANumber { name, value: v }),
        }
    };
    let (name, index, env_count) = if let Some(i) = number("JOB_COMPLETION_INDEX")? {
        ("JOB_COMPLETION_INDEX", i, None)
    } else if let Some(id) = number("SLURM_ARRAY_TASK_ID")? {
        let min = number("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
        let step = number("SLURM_ARRAY_TASK_STEP")?.unwrap_or(1).max(1);
        let index = id.checked_sub(min).ok_or(ShardError::OutOfRange {
            name: "SLURM_ARRAY_TASK_ID",
            index: id,
            count: 0,
        })? / step;
        (
            "SLURM_ARRAY_TASK_ID",
            index,
            number("SLURM_ARRAY_TASK_COUNT")?,
        )
    } else if let Some(i) = number("AWS_BATCH_JOB_ARRAY_INDEX")? {
        (
            "AWS_BATCH_JOB_ARRAY_INDEX",
            i,
            number("AWS_BATCH_JOB_ARRAY_SIZE")?,
        )
    } else {
        return Err(ShardError::NoEnvironment);
    };
    let count = match (env_count, shards) {
        (Some(env), Some(given)) if env != given => {
            return Err(ShardError::CountMismatch { given, name, env });
        }
        (Some(n), _) | (None, Some(n)) => n,
        (None, None) => return Err(ShardError::NoCount(name)),
    };
    if index >= count {
        return Err(ShardError::OutOfRange { name, index, count });
    }
    Ok(Part::Shard {
        index: index + 1,
        count,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn shard_i_of_n_is_one_based_and_takes_every_nth_run() {
        let p = parse_shard("2/3").unwrap();
        assert_eq!(p, Part::Shard { index: 2, count: 3 });
        assert_eq!(p.runs(10), [1, 4, 7]);
        assert_eq!(parse_shard("1/3").unwrap().runs(10), [0, 3, 6, 9]);
        assert_eq!(parse_shard("3/3").unwrap().runs(10), [2, 5, 8]);
        assert_eq!(parse_shard("4/4").unwrap().runs(2), Vec::<u64>::new());
        for bad in ["0/3", "4/3", "1/0", "x/3", "3", "auto"] {
            assert!(parse_shard(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_shards_together_run_every_run_once() {
        let total = 23;
        let mut seen: Vec<u64> = (1..=5)
            .flat_map(|i| Part::Shard { index: i, count: 5 }.runs(total))
            .collect();
        seen.sort();
        assert_eq!(seen, (0..total).collect::<Vec<_>>());
        assert_eq!(Part::Run(4).runs(total), [4]);
        assert!(Part::Run(4).contains(4) && !Part::Run(4).contains(5));
    }

    #[test]
    fn a_kubernetes_indexed_job_index_is_zero_based_and_needs_shards() {
        let vars = [("JOB_COMPLETION_INDEX", "0")];
        assert_eq!(
            from_env(&env(&vars), Some(4)).unwrap(),
            Part::Shard { index: 1, count: 4 }
        );
        assert_eq!(
            from_env(&env(&vars), None).unwrap_err(),
            ShardError::NoCount("JOB_COMPLETION_INDEX")
        );
        let last = [("JOB_COMPLETION_INDEX", "4")];
        assert!(matches!(
            from_env(&env(&last), Some(4)),
            Err(ShardError::OutOfRange { .. })
        ));
    }

    #[test]
    fn a_slurm_array_counts_from_its_first_index() {
        let zero = [
            ("SLURM_ARRAY_TASK_ID", "2"),
            ("SLURM_ARRAY_TASK_COUNT", "3"),
        ];
        assert_eq!(
            from_env(&env(&zero), None).unwrap(),
            Part::Shard { index: 3, count: 3 }
        );
        let one = [
            ("SLURM_ARRAY_TASK_ID", "1"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_COUNT", "3"),
        ];
        assert_eq!(
            from_env(&env(&one), None).unwrap(),
            Part::Shard { index: 1, count: 3 }
        );
        let stepped = [
            ("SLURM_ARRAY_TASK_ID", "10"),
            ("SLURM_ARRAY_TASK_MIN", "0"),
            ("SLURM_ARRAY_TASK_STEP", "5"),
            ("SLURM_ARRAY_TASK_COUNT", "3"),
        ];
        assert_eq!(
            from_env(&env(&stepped), None).unwrap(),
            Part::Shard { index: 3, count: 3 }
        );
        assert_eq!(
            from_env(&env(&zero), Some(4)).unwrap_err(),
            ShardError::CountMismatch {
                given: 4,
                name: "SLURM_ARRAY_TASK_ID",
                env: 3
            }
        );
    }

    #[test]
    fn an_aws_batch_array_index_is_zero_based_with_its_size() {
        let vars = [
            ("AWS_BATCH_JOB_ARRAY_INDEX", "1"),
            ("AWS_BATCH_JOB_ARRAY_SIZE", "2"),
        ];
        assert_eq!(
            from_env(&env(&vars), None).unwrap(),
            Part::Shard { index: 2, count: 2 }
        );
        let no_size = [("AWS_BATCH_JOB_ARRAY_INDEX", "1")];
        assert_eq!(
            from_env(&env(&no_size), Some(5)).unwrap(),
            Part::Shard { index: 2, count: 5 }
        );
    }

    #[test]
    fn without_an_array_environment_auto_is_an_error() {
        assert_eq!(
            from_env(&env(&[]), Some(3)).unwrap_err(),
            ShardError::NoEnvironment
        );
        let bad = [("JOB_COMPLETION_INDEX", "x")];
        assert!(matches!(
            from_env(&env(&bad), Some(3)),
            Err(ShardError::NotANumber { .. })
        ));
    }
}
