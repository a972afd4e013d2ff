//! The table of logs holds together: one row for a log and an owner, filter flags that are
//! filters of the log, a demo source for every row, and errors that name what a log takes.

use super::*;
use crate::sources::row::Owner;

#[test]
fn a_log_and_an_owner_pick_one_row() {
    for key in keys() {
        let rows = rows(key).unwrap();
        let mut owners: Vec<OwnerKind> = rows.iter().flat_map(|k| k.info.owners.to_vec()).collect();
        let all = owners.len();
        owners.dedup();
        assert_eq!(owners.len(), all, "{key}: two rows take one owner");
    }
    assert_eq!(keys().len(), 7, "{:?}", keys());
}

#[test]
fn every_filter_flag_of_a_row_is_a_filter_of_its_log() {
    for kind in LOGS {
        for (flag, filter) in kind.info.flags {
            assert!(
                kind.fields.iter().any(|f| f.name == *filter),
                "{}: --{flag} sets {filter}, which its filters do not have",
                kind.info.key
            );
        }
    }
}

#[test]
fn every_row_makes_its_demo_source_and_names_it_as_its_log() {
    for kind in LOGS {
        let asked = (kind.demo)();
        assert!(kind.info.owners.contains(&asked.owner.kind()));
        let source = make(kind.info.key, asked).unwrap();
        assert_eq!(source.log().key, kind.info.key);
        assert_eq!(source.origin()["log"], kind.info.key);
        assert!(source.fingerprint().contains(r#""filters":"#));
    }
}

#[test]
fn a_wrong_log_owner_or_option_is_refused_by_name() {
    let asked = |owner| Asked {
        owner,
        filters: Default::default(),
        options: Default::default(),
    };
    let error = make("firewall", asked(Owner::Credentials)).unwrap_err();
    assert!(
        error.contains("not an audit log") && error.contains("scim"),
        "{error}"
    );
    let error = make("access", asked(Owner::Zone("z".into()))).unwrap_err();
    assert!(error.contains("does not take these owners"), "{error}");
    assert!(
        error.contains("insights takes `account` or `zone`"),
        "{error}"
    );
    let mut with_issue = asked(Owner::Account("a".into()));
    with_issue.options.insert("issue".into(), vec!["i".into()]);
    assert!(make("insights", with_issue.clone()).is_ok());
    let error = make("account", with_issue).unwrap_err();
    assert!(error.contains("does not take `issue`"), "{error}");
}
