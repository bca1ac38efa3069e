//! Structured-field parser tests; examples from RFC 8941 and RFC 9421 where cited.

use super::*;

fn inner(dict: &Dictionary, key: &str) -> InnerList {
    match dict.iter().find(|(k, _)| k == key).map(|(_, m)| m.clone()) {
        Some(Member::InnerList(list)) => list,
        other => panic!("{key}: not an inner list: {other:?}"),
    }
}

fn item(dict: &Dictionary, key: &str) -> Item {
    match dict.iter().find(|(k, _)| k == key).map(|(_, m)| m.clone()) {
        Some(Member::Item(item)) => item,
        other => panic!("{key}: not an item: {other:?}"),
    }
}

#[test]
fn rfc9421_signature_input_round_trips() {
    // RFC 9421 §4.1 example (label "sig1"), on one line.
    let text = r#"sig1=("@method" "@authority" "@path" "content-digest" "content-length" "content-type");created=1618884473;keyid="test-key-rsa-pss""#;
    let dict = parse_dictionary(text).unwrap();
    assert_eq!(dict.len(), 1);
    let list = inner(&dict, "sig1");
    assert_eq!(list.items.len(), 6);
    assert_eq!(list.items[0].value, BareItem::String("@method".into()));
    assert_eq!(
        list.params,
        vec![
            ("created".into(), BareItem::Integer(1_618_884_473)),
            ("keyid".into(), BareItem::String("test-key-rsa-pss".into())),
        ]
    );
    assert_eq!(format!("sig1={}", list.to_sf_string()), text);
}

#[test]
fn byte_sequences_and_multiple_members() {
    let dict =
        parse_dictionary("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:,  sha-512=:AA==:")
            .unwrap();
    assert_eq!(dict.len(), 2);
    match &item(&dict, "sha-256").value {
        BareItem::ByteSeq(b) => assert_eq!(b.len(), 32),
        other => panic!("{other:?}"),
    }
    assert_eq!(item(&dict, "sha-512").value, BareItem::ByteSeq(vec![0]));
    // Padding may be omitted (RFC 8941 §4.2.7).
    let dict = parse_dictionary("a=:AA:").unwrap();
    assert_eq!(item(&dict, "a").value, BareItem::ByteSeq(vec![0]));
}

#[test]
fn escapes_and_parameter_types() {
    let dict =
        parse_dictionary(r#"l=("a\"b" "c\\d");s="x";t=tok/en:1;i=-42;d=1.50;b=?0;f;e=:aGk=:"#)
            .unwrap();
    let list = inner(&dict, "l");
    assert_eq!(list.items[0].value, BareItem::String("a\"b".into()));
    assert_eq!(list.items[1].value, BareItem::String("c\\d".into()));
    let kinds: Vec<BareItem> = list.params.iter().map(|(_, v)| v.clone()).collect();
    assert_eq!(
        kinds,
        vec![
            BareItem::String("x".into()),
            BareItem::Token("tok/en:1".into()),
            BareItem::Integer(-42),
            BareItem::Decimal(1500),
            BareItem::Boolean(false),
            BareItem::Boolean(true),
            BareItem::ByteSeq(b"hi".to_vec()),
        ]
    );
    // Canonical form: decimal trailing zeros dropped, `true` without a value.
    assert_eq!(
        list.to_sf_string(),
        r#"("a\"b" "c\\d");s="x";t=tok/en:1;i=-42;d=1.5;b=?0;f;e=:aGk=:"#
    );
}

#[test]
fn bare_keys_duplicates_and_whitespace() {
    let dict = parse_dictionary("a, b=2, a=3 ,\tc=(1 2)").unwrap();
    let keys: Vec<&str> = dict.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["a", "b", "c"]);
    assert_eq!(item(&dict, "a").value, BareItem::Integer(3));
    assert_eq!(inner(&dict, "c").to_sf_string(), "(1 2)");
    assert!(parse_dictionary("").unwrap().is_empty());
    // Spaces inside inner lists are free.
    let dict = parse_dictionary(r#"x=(  "a"   "b"  );k="v""#).unwrap();
    assert_eq!(inner(&dict, "x").to_sf_string(), r#"("a" "b");k="v""#);
}

#[test]
fn rejects_invalid_input() {
    let bad = [
        "A=1",                // uppercase key
        "a=1,",               // trailing comma
        "a=1 b=2",            // missing comma
        r#"a="unterminated"#, // unterminated string
        r#"a="bad\escape""#,  // only \" and \\ escapes
        "a=(\"x\"\"y\")",     // items must be space separated
        "a=(\"x\"",           // unterminated inner list
        "a=:not base64!:",    // bad byte sequence
        "a=:AAA",             // unterminated byte sequence
        "a=1234567890123456", // integer of 16 digits
        "a=1.2345",           // decimal with 4 fractional digits
        "a=1.",               // decimal without fraction
        "a=?2",               // bad boolean
        "a=-",                // sign without digits
        "a=1;B=2",            // uppercase parameter key
        "a=\"caf\u{e9}\"",    // non-ASCII
        "a=\"tab\there\"",    // control character in string
        "a=(\"x\")junk",      // garbage after inner list
        ",a=1",               // leading comma
        "a=@",                // not an item
    ];
    for input in bad {
        assert!(parse_dictionary(input).is_err(), "accepted {input:?}");
    }
}
