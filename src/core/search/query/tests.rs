//! Unit tests of the parent module.

use super::*;

fn regex(pattern: &str) -> Query {
    Query::new(QueryKind::Regex, pattern)
}

fn hex(pattern: &str) -> Result<Vec<Option<u8>>, SearchError> {
    parse_hex(pattern)
}

#[test]
fn kinds_cycle_and_have_labels() {
    let mut kind = QueryKind::Regex;
    let mut seen = Vec::new();
    for _ in 0..3 {
        seen.push(kind.label());
        kind = kind.next();
    }
    assert_eq!(kind, QueryKind::Regex);
    assert_eq!(seen, ["regex", "text", "hex"]);
    assert_eq!(QueryKind::Hex.to_string(), "hex");
    assert_eq!(QueryKind::ALL.map(QueryKind::next)[2], QueryKind::Regex);
}

#[test]
fn hex_accepts_the_usual_spellings() {
    let want = vec![Some(0xde), Some(0xad), Some(0xbe), Some(0xef)];
    for text in [
        "de ad be ef",
        "deadbeef",
        "DE AD BE EF",
        " de\tadbe  EF ",
        "0xdeadbeef",
    ] {
        assert_eq!(hex(text).unwrap(), want, "{text:?}");
    }
    assert_eq!(
        hex("de ad ?? ef").unwrap(),
        vec![Some(0xde), Some(0xad), None, Some(0xef)]
    );
    assert_eq!(hex("de??ef").unwrap(), vec![Some(0xde), None, Some(0xef)]);
    assert_eq!(hex("0x00 0XfF").unwrap(), vec![Some(0), Some(0xff)]);
}

#[test]
fn hex_errors_name_the_token_and_its_column() {
    let err = hex("de ag").unwrap_err();
    assert_eq!(
        err,
        SearchError::InvalidHex {
            token: "ag".into(),
            offset: 3,
            column: 4,
            problem: HexProblem::NotHex
        }
    );
    assert_eq!(
        err.to_string(),
        "invalid hex `ag` at column 4: write each byte as two hex digits (like `de ad`), \
         or `??` for any byte"
    );

    let err = hex("dea").unwrap_err();
    assert!(matches!(
        err,
        SearchError::InvalidHex { ref token, column: 3, problem: HexProblem::HalfByte, .. }
            if token == "a"
    ));
    assert!(err.to_string().contains("add the missing one"), "{err}");

    // A pair may not be split by whitespace.
    assert!(matches!(
        hex("d e").unwrap_err(),
        SearchError::InvalidHex {
            column: 1,
            problem: HexProblem::HalfByte,
            ..
        }
    ));
    assert!(matches!(
        hex("de ?").unwrap_err(),
        SearchError::InvalidHex { ref token, problem: HexProblem::HalfByte, .. } if token == "?"
    ));
    // Columns count characters, offsets count bytes.
    assert_eq!(
        hex("éé 00").unwrap_err(),
        SearchError::InvalidHex {
            token: "éé".into(),
            offset: 0,
            column: 1,
            problem: HexProblem::NotHex
        }
    );
    assert!(matches!(
        hex("00 é").unwrap_err(),
        SearchError::InvalidHex {
            column: 4,
            problem: HexProblem::NotHex,
            ..
        }
    ));
    assert!(matches!(
        hex("d?").unwrap_err(),
        SearchError::InvalidHex { .. }
    ));
    assert!(matches!(
        hex("0x0x").unwrap_err(),
        SearchError::InvalidHex { column: 3, .. }
    ));
}

#[test]
fn empty_patterns_are_refused_in_every_kind() {
    for (kind, text) in [
        (QueryKind::Regex, ""),
        (QueryKind::Text, ""),
        (QueryKind::Hex, ""),
        (QueryKind::Hex, "   "),
    ] {
        let err = Query::new(kind, text).compile().unwrap_err();
        assert_eq!(err, SearchError::EmptyPattern);
        assert_eq!(
            err.to_string(),
            "empty pattern: type something to search for"
        );
    }
    // A pattern that merely can match nothing is allowed.
    assert!(regex("x*").compile().unwrap().can_match_empty());
}

#[test]
#[allow(clippy::invalid_regex)] // compared with the regex crate's own error on purpose
fn invalid_regex_carries_the_crate_message_and_position() {
    let err = regex("ab(c").compile().unwrap_err();
    let SearchError::InvalidRegex {
        message,
        offset,
        column,
        rendered,
    } = &err
    else {
        panic!("unexpected {err:?}");
    };
    assert_eq!(message, "unclosed group");
    assert_eq!((*offset, *column), (Some(2), Some(3)));
    let Err(regex::Error::Syntax(theirs)) = regex::bytes::Regex::new("ab(c") else {
        panic!("regex accepted an unclosed group");
    };
    assert_eq!(rendered, &theirs);
    assert_eq!(
        err.to_string(),
        "invalid regex at column 3: unclosed group; fix the pattern or search as text"
    );

    // Translation errors (after parsing) carry a position too.
    let err = regex(r"a\p{NotAProperty}").compile().unwrap_err();
    assert!(err.to_string().contains("at column 2"), "{err}");
}

#[test]
fn oversized_patterns_say_so() {
    let err = regex(r"\w{1000}{1000}").compile().unwrap_err();
    assert!(matches!(err, SearchError::TooLarge { .. }), "{err:?}");
    assert!(regex::bytes::Regex::new(r"\w{1000}{1000}").is_err());
}

/// Issue 10: `\xde\xad` found nothing in a file holding the bytes `de ad`, because the
/// default was Unicode. Bytes are the default now; Unicode is asked for.
#[test]
fn regex_semantics_are_bytes_by_default() {
    let hay = b"\xde\xad\xff\xc3\xbf\n\xc3\xa9Ab";
    let find = |p: &str| regex(p).compile().unwrap().find(hay);
    assert_eq!(find(r"\xde\xad"), Some(0..2));
    assert_eq!(find(r"\xff"), Some(2..3));
    assert_eq!(find("."), Some(0..1));
    assert_eq!(find(r"(?s)\n."), Some(5..7));
    assert_eq!(find(r"[^\x00-\x7f]{2}"), Some(0..2));
    assert_eq!(find(r"\w"), Some(8..9));
    // A non-ASCII character written in the pattern matches its UTF-8 bytes.
    assert_eq!(find("é"), Some(6..8));
    assert_eq!(find("(?i)a"), Some(8..9));
    // ASCII folding only: `(?i)é` does not match `É` (c3 89).
    assert_eq!(regex("(?i)é").compile().unwrap().find(b"\xc3\x89"), None);
    // `(?u)` turns Unicode on inside the pattern; the query flag does so for all of it.
    assert_eq!(find(r"(?u:\xff)"), Some(3..5));
    let mut q = regex(r"\xff(?s:.)");
    q.unicode = true;
    let p = q.compile().unwrap();
    assert!(p.is_unicode());
    assert_eq!(p.find(hay), Some(3..6));
    assert!(!regex("a").compile().unwrap().is_unicode());

    // The same as `regex::bytes` with Unicode off, and with it on under the flag.
    for pattern in [
        r"\xff", ".", r"(?s).", r"\w+", r"\b", "(?i)Ÿ", "é", r"(?u)\w",
    ] {
        for unicode in [false, true] {
            let mut q = regex(pattern);
            q.unicode = unicode;
            let ours = q.compile().unwrap();
            let theirs = regex::bytes::RegexBuilder::new(pattern)
                .unicode(unicode)
                .build()
                .unwrap();
            assert_eq!(
                ours.find(hay),
                theirs.find(hay).map(|m| m.range()),
                "{pattern} unicode {unicode}"
            );
        }
    }
}

#[test]
fn unicode_only_constructs_say_how_to_turn_unicode_on() {
    for pattern in [r"\p{Greek}", "[é]"] {
        let err = regex(pattern).compile().unwrap_err();
        assert!(err.to_string().contains("(?u)"), "{pattern}: {err}");
        let mut q = regex(pattern);
        q.unicode = true;
        assert!(q.compile().is_ok(), "{pattern}");
        assert!(regex(&format!("(?u){pattern}")).compile().is_ok());
    }
}

#[test]
fn text_is_literal_and_can_fold_case() {
    let p = Query::new(QueryKind::Text, "a.b").compile().unwrap();
    assert_eq!(p.find(b"axb a.b"), Some(4..7));
    assert_eq!(p.max_len(), Some(3));
    let mut q = Query::new(QueryKind::Text, "NULLA");
    assert_eq!(q.compile().unwrap().find(b"nulla"), None);
    q.case_insensitive = true;
    assert_eq!(q.compile().unwrap().find(b"x Nulla"), Some(2..7));
}

#[test]
fn hex_matches_raw_bytes_and_wildcards() {
    let mut q = Query::new(QueryKind::Hex, "ff ?? 0a");
    q.case_insensitive = true; // ignored for hex
    let p = q.compile().unwrap();
    assert_eq!(p.regex_source(), r"(?s-u:\xff.\x0a)");
    assert!(!p.is_case_insensitive());
    assert_eq!(p.find(b"\xff\n\n\xff\n\n"), Some(0..3));
    assert_eq!(p.find(b"\xc3\xbf\n\n"), None);
    assert_eq!(p.max_len(), Some(3));
}

#[test]
fn find_at_sees_context_before_the_start() {
    let p = regex(r"\bab").compile().unwrap();
    assert_eq!(p.find_at(b"xab ab", 1), Some(4..6));
    assert_eq!(p.find_at(b"ab", 3), None);
    assert_eq!(p.max_len(), Some(2));
    assert_eq!(regex("a+").compile().unwrap().max_len(), None);
}

#[test]
fn captures_give_the_groups_of_one_match() {
    let p = regex(r"(\d+)-(x)?(\d+)").compile().unwrap();
    assert_eq!(p.captures_len(), 4);
    let hay = b"a 12-34 b";
    let caps = p.captures(hay, 2..7).unwrap();
    assert_eq!(caps, vec![Some(2..7), Some(2..4), None, Some(5..7)]);
    assert_eq!(
        p.captures(hay, 3..7).map(|c| c[0].clone()),
        Some(Some(3..7))
    );
    assert_eq!(p.captures(hay, 2..5), None);
    // Limited to the span's end: the shorter match counts.
    assert_eq!(
        p.captures(hay, 2..6).map(|c| c[3].clone()),
        Some(Some(5..6))
    );
    assert_eq!(p.captures(hay, 2..99), None);
}
