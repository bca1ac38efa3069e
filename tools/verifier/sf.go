package main

// A parser and serializer for the parts of RFC 8941 (Structured Field Values) that
// RFC 9421 uses: dictionaries whose members are items or inner lists, with parameters.
// Written from RFC 8941 §4.2 (parsing) and §4.1 (serializing).

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// itemKind says which bare item an Item holds.
type itemKind int

const (
	kindInteger itemKind = iota
	kindDecimal
	kindString
	kindToken
	kindBytes
	kindBoolean
)

func (k itemKind) String() string {
	return [...]string{"integer", "decimal", "string", "token", "byte sequence", "boolean"}[k]
}

// bareItem is one RFC 8941 bare item.
type bareItem struct {
	kind  itemKind
	int   int64
	dec   string // a decimal, as written (never re-serialized by this tool's callers)
	str   string // string or token
	bytes []byte
	bool  bool
}

type param struct {
	name  string
	value bareItem
}

// sfItem is an item or an inner list, with its parameters.
type sfItem struct {
	value  bareItem
	inner  []sfItem // non-nil when this member is an inner list
	isList bool
	params []param
}

type dictMember struct {
	name string
	sfItem
}

type sfParser struct {
	s   string
	pos int
}

func (p *sfParser) peek() byte {
	if p.pos < len(p.s) {
		return p.s[p.pos]
	}
	return 0
}

func (p *sfParser) eof() bool { return p.pos >= len(p.s) }

func (p *sfParser) skipSP() {
	for !p.eof() && p.s[p.pos] == ' ' {
		p.pos++
	}
}

func (p *sfParser) skipOWS() {
	for !p.eof() && (p.s[p.pos] == ' ' || p.s[p.pos] == '\t') {
		p.pos++
	}
}

func (p *sfParser) fail(why string) error {
	return fmt.Errorf("structured field: %s at offset %d", why, p.pos)
}

// parseDictionary parses an RFC 8941 dictionary; a repeated name keeps its last value,
// in the position of its first occurrence (§4.2.2).
func parseDictionary(s string) ([]dictMember, error) {
	p := &sfParser{s: s}
	p.skipSP()
	var out []dictMember
	for !p.eof() {
		name, err := p.key()
		if err != nil {
			return nil, err
		}
		var member sfItem
		if p.peek() == '=' {
			p.pos++
			member, err = p.itemOrInnerList()
			if err != nil {
				return nil, err
			}
		} else {
			params, err := p.parameters()
			if err != nil {
				return nil, err
			}
			member = sfItem{value: bareItem{kind: kindBoolean, bool: true}, params: params}
		}
		replaced := false
		for i := range out {
			if out[i].name == name {
				out[i].sfItem = member
				replaced = true
			}
		}
		if !replaced {
			out = append(out, dictMember{name: name, sfItem: member})
		}
		p.skipOWS()
		if p.eof() {
			return out, nil
		}
		if p.peek() != ',' {
			return nil, p.fail("expected ','")
		}
		p.pos++
		p.skipOWS()
		if p.eof() {
			return nil, p.fail("trailing ','")
		}
	}
	return out, nil
}

func (p *sfParser) itemOrInnerList() (sfItem, error) {
	if p.peek() == '(' {
		return p.innerList()
	}
	return p.item()
}

func (p *sfParser) innerList() (sfItem, error) {
	p.pos++ // '('
	list := sfItem{isList: true, inner: []sfItem{}}
	for !p.eof() {
		p.skipSP()
		if p.peek() == ')' {
			p.pos++
			params, err := p.parameters()
			if err != nil {
				return sfItem{}, err
			}
			list.params = params
			return list, nil
		}
		item, err := p.item()
		if err != nil {
			return sfItem{}, err
		}
		list.inner = append(list.inner, item)
		if c := p.peek(); c != ' ' && c != ')' {
			return sfItem{}, p.fail("expected ' ' or ')' in an inner list")
		}
	}
	return sfItem{}, p.fail("unterminated inner list")
}

func (p *sfParser) item() (sfItem, error) {
	value, err := p.bareItem()
	if err != nil {
		return sfItem{}, err
	}
	params, err := p.parameters()
	if err != nil {
		return sfItem{}, err
	}
	return sfItem{value: value, params: params}, nil
}

func (p *sfParser) parameters() ([]param, error) {
	var out []param
	for p.peek() == ';' {
		p.pos++
		p.skipSP()
		name, err := p.key()
		if err != nil {
			return nil, err
		}
		value := bareItem{kind: kindBoolean, bool: true}
		if p.peek() == '=' {
			p.pos++
			if value, err = p.bareItem(); err != nil {
				return nil, err
			}
		}
		replaced := false
		for i := range out {
			if out[i].name == name {
				out[i].value = value
				replaced = true
			}
		}
		if !replaced {
			out = append(out, param{name: name, value: value})
		}
	}
	return out, nil
}

func (p *sfParser) key() (string, error) {
	start := p.pos
	c := p.peek()
	if !(c >= 'a' && c <= 'z') && c != '*' {
		return "", p.fail("a key must start with a lowercase letter or '*'")
	}
	for !p.eof() {
		c := p.s[p.pos]
		if (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strings.IndexByte("_-.*", c) >= 0 {
			p.pos++
			continue
		}
		break
	}
	return p.s[start:p.pos], nil
}

func (p *sfParser) bareItem() (bareItem, error) {
	c := p.peek()
	switch {
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	case c == '"':
		return p.string()
	case c == ':':
		return p.byteSeq()
	case c == '?':
		p.pos++
		switch p.peek() {
		case '0', '1':
			b := p.peek() == '1'
			p.pos++
			return bareItem{kind: kindBoolean, bool: b}, nil
		}
		return bareItem{}, p.fail("a boolean is ?0 or ?1")
	case (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '*':
		return p.token(), nil
	}
	return bareItem{}, p.fail("not a bare item")
}

func (p *sfParser) number() (bareItem, error) {
	start := p.pos
	if p.peek() == '-' {
		p.pos++
	}
	digits, decimal := 0, false
	for !p.eof() {
		c := p.s[p.pos]
		if c >= '0' && c <= '9' {
			digits++
			p.pos++
		} else if c == '.' && !decimal {
			decimal = true
			p.pos++
		} else {
			break
		}
	}
	text := p.s[start:p.pos]
	if digits == 0 || strings.HasSuffix(text, ".") {
		return bareItem{}, p.fail("malformed number")
	}
	if decimal {
		return bareItem{kind: kindDecimal, dec: text}, nil
	}
	if digits > 15 {
		return bareItem{}, p.fail("an integer has at most 15 digits")
	}
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		return bareItem{}, p.fail("malformed integer")
	}
	return bareItem{kind: kindInteger, int: n}, nil
}

func (p *sfParser) string() (bareItem, error) {
	p.pos++ // '"'
	var b strings.Builder
	for !p.eof() {
		c := p.s[p.pos]
		p.pos++
		switch {
		case c == '\\':
			if p.eof() || (p.s[p.pos] != '"' && p.s[p.pos] != '\\') {
				return bareItem{}, p.fail("bad escape in a string")
			}
			b.WriteByte(p.s[p.pos])
			p.pos++
		case c == '"':
			return bareItem{kind: kindString, str: b.String()}, nil
		case c < 0x20 || c > 0x7e:
			return bareItem{}, p.fail("a string holds printable ASCII only")
		default:
			b.WriteByte(c)
		}
	}
	return bareItem{}, p.fail("unterminated string")
}

func (p *sfParser) token() bareItem {
	start := p.pos
	p.pos++
	for !p.eof() {
		c := p.s[p.pos]
		if c > 0x20 && c < 0x7f && strings.IndexByte("\"(),;<=>?@[\\]{}", c) < 0 {
			p.pos++ // tchar, ':' or '/'
			continue
		}
		break
	}
	return bareItem{kind: kindToken, str: p.s[start:p.pos]}
}

func (p *sfParser) byteSeq() (bareItem, error) {
	p.pos++ // ':'
	end := strings.IndexByte(p.s[p.pos:], ':')
	if end < 0 {
		return bareItem{}, p.fail("unterminated byte sequence")
	}
	text := p.s[p.pos : p.pos+end]
	p.pos += end + 1
	decoded, err := base64.StdEncoding.DecodeString(text)
	if err != nil {
		return bareItem{}, errors.New("structured field: byte sequence is not base64")
	}
	return bareItem{kind: kindBytes, bytes: decoded}, nil
}

// serializeBare writes a bare item canonically (RFC 8941 §4.1).
func serializeBare(b *strings.Builder, v bareItem) {
	switch v.kind {
	case kindInteger:
		b.WriteString(strconv.FormatInt(v.int, 10))
	case kindDecimal:
		b.WriteString(v.dec)
	case kindString:
		b.WriteByte('"')
		for i := 0; i < len(v.str); i++ {
			if v.str[i] == '"' || v.str[i] == '\\' {
				b.WriteByte('\\')
			}
			b.WriteByte(v.str[i])
		}
		b.WriteByte('"')
	case kindToken:
		b.WriteString(v.str)
	case kindBytes:
		b.WriteByte(':')
		b.WriteString(base64.StdEncoding.EncodeToString(v.bytes))
		b.WriteByte(':')
	case kindBoolean:
		if v.bool {
			b.WriteString("?1")
		} else {
			b.WriteString("?0")
		}
	}
}

func serializeParams(b *strings.Builder, params []param) {
	for _, p := range params {
		b.WriteByte(';')
		b.WriteString(p.name)
		if p.value.kind == kindBoolean && p.value.bool {
			continue
		}
		b.WriteByte('=')
		serializeBare(b, p.value)
	}
}

// serializeInnerList writes an inner list with its parameters, as RFC 9421 §2.3 needs
// for the "@signature-params" line.
func serializeInnerList(list sfItem) string {
	var b strings.Builder
	b.WriteByte('(')
	for i, item := range list.inner {
		if i > 0 {
			b.WriteByte(' ')
		}
		serializeBare(&b, item.value)
		serializeParams(&b, item.params)
	}
	b.WriteByte(')')
	serializeParams(&b, list.params)
	return b.String()
}
