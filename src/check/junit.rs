//! JUnit XML of `jobsim check`: a `<testsuite>` per scenario, a `<testcase>` per
//! expectation, a `<failure>` carrying the measured and the expected value. The dialect
//! GitHub (test-report actions), GitLab (`artifacts:reports:junit`) and Jenkins read.

use std::fmt::Write;

use super::Verdict;

/// The verdicts of one scenario, or why it could not be checked.
#[derive(Debug, Clone)]
pub struct Suite {
    /// The scenario's name.
    pub name: String,
    /// The file it was read from.
    pub file: String,
    /// The verdict of each expectation, in order.
    pub verdicts: Vec<Verdict>,
    /// A scenario that did not load: one `<error>` test case with this message.
    pub error: Option<String>,
}

/// Escapes text for XML attributes and content.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 allows no other control characters.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => out.push('?'),
            c => out.push(c),
        }
    }
    out
}

/// The whole report.
pub fn render(suites: &[Suite]) -> String {
    let tests: usize = suites
        .iter()
        .map(|s| s.verdicts.len().max(s.error.iter().count()))
        .sum();
    let failures: usize = suites
        .iter()
        .map(|s| s.verdicts.iter().filter(|v| !v.pass).count())
        .sum();
    let errors = suites.iter().filter(|s| s.error.is_some()).count();
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        x,
        "<testsuites name=\"jobsim check\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">"
    );
    for s in suites {
        let fails = s.verdicts.iter().filter(|v| !v.pass).count();
        let n = s.verdicts.len().max(s.error.iter().count());
        let _ = writeln!(
            x,
            "  <testsuite name=\"{}\" tests=\"{n}\" failures=\"{fails}\" errors=\"{}\" file=\"{}\">",
            escape(&s.name),
            s.error.iter().count(),
            escape(&s.file)
        );
        if let Some(e) = &s.error {
            let _ = writeln!(
                x,
                "    <testcase name=\"load\" classname=\"{}\">\n      <error message=\"{}\"/>\n    </testcase>",
                escape(&s.name),
                escape(e)
            );
        }
        for v in &s.verdicts {
            let _ = write!(
                x,
                "    <testcase name=\"{}\" classname=\"{}\"",
                escape(&v.expected),
                escape(&s.name)
            );
            if v.pass {
                x.push_str("/>\n");
            } else {
                let _ = writeln!(
                    x,
                    ">\n      <failure message=\"{}\" type=\"expectation\">expected: {}\nmeasured: {}</failure>\n    </testcase>",
                    escape(&v.to_string()),
                    escape(&v.expected),
                    escape(&v.measured)
                );
            }
        }
        x.push_str("  </testsuite>\n");
    }
    x.push_str("</testsuites>\n");
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_carries_the_measured_and_the_expected_value() {
        let suites = [Suite {
            name: "etl".into(),
            file: "etl.yaml".into(),
            verdicts: vec![
                Verdict {
                    pass: true,
                    expected: "job/a succeeded 1".into(),
                    measured: "succeeded 1".into(),
                },
                Verdict {
                    pass: false,
                    expected: "makespan less than 2h".into(),
                    measured: "makespan 2h13m04s".into(),
                },
            ],
            error: None,
        }];
        let xml = render(&suites);
        assert!(xml.contains("tests=\"2\" failures=\"1\""), "{xml}");
        assert!(
            xml.contains("message=\"FAIL makespan less than 2h: makespan 2h13m04s\""),
            "{xml}"
        );
    }

    #[test]
    fn markup_in_names_is_escaped() {
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}
