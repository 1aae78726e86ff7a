using System.Globalization;
using System.Text;
using InferenceServer.Grammars.Ir;
using InferenceServer.Grammars.Utf8;

namespace InferenceServer.Grammars.Gbnf;

/// <summary>
/// Compiles llama.cpp's GBNF dialect to a byte-level <see cref="Grammar"/>: <c>name ::= alternatives</c> rules,
/// "literals", [character classes] (ranges, ^negation), <c>.</c>, groups, rule references, the postfixes
/// <c>* + ?</c> and <c>{m}</c>, <c>{m,}</c>, <c>{m,n}</c>, and # comments. A rule ends at the end of its line unless
/// a group is open or the next alternative follows a <c>|</c>. Token references (<c>&lt;...&gt;</c>) are refused.
/// </summary>
public sealed class GbnfParser
{
    private readonly string _text;
    private readonly GrammarBuilder _builder = new();
    private readonly Dictionary<string, int> _firstUse = new(StringComparer.Ordinal);
    private int _pos;

    private GbnfParser(string text) => _text = text;

    /// <summary>Compiles <paramref name="text"/>; <paramref name="root"/> names the start rule.</summary>
    public static Grammar Parse(string text, string root = "root")
    {
        ArgumentNullException.ThrowIfNull(text);
        return new GbnfParser(text).ParseGrammar(root);
    }

    private Grammar ParseGrammar(string root)
    {
        SkipSpace(newlines: true);
        while (_pos < _text.Length)
        {
            ParseRule();
            SkipSpace(newlines: true);
        }
        foreach (string name in _builder.Undefined()) throw Error($"rule '{name}' is referenced but not defined", FirstUse(name));
        try
        {
            return _builder.Build(root);
        }
        catch (InvalidOperationException e)
        {
            throw new GrammarSyntaxException(e.Message, e);
        }
    }

    private void ParseRule()
    {
        int start = _pos;
        string name = ParseName();
        SkipSpace(newlines: false);
        if (!_text.AsSpan(_pos).StartsWith("::=")) throw Error("expected '::=' after the rule name");
        _pos += 3;
        SkipSpace(newlines: true);
        int id = _builder.RuleId(name);
        if (_builder.IsDefined(id)) throw Error($"rule '{name}' is defined twice", start);
        var alternatives = ParseAlternatives(name, nested: false);
        _builder.Define(id, alternatives);
        if (_pos < _text.Length && _text[_pos] is not ('\n' or '\r')) throw Error("expected the end of the line after the rule");
    }

    private List<IReadOnlyList<GrammarElement>> ParseAlternatives(string rule, bool nested)
    {
        var alternatives = new List<IReadOnlyList<GrammarElement>> { ParseSequence(rule, nested) };
        while (_pos < _text.Length && _text[_pos] == '|')
        {
            _pos++;
            SkipSpace(newlines: true);
            alternatives.Add(ParseSequence(rule, nested));
        }
        return alternatives;
    }

    private List<GrammarElement> ParseSequence(string rule, bool nested)
    {
        var sequence = new List<GrammarElement>();
        int lastStart = -1;
        while (_pos < _text.Length)
        {
            char c = _text[_pos];
            if (c == '"')
            {
                lastStart = sequence.Count;
                ParseLiteral(sequence);
            }
            else if (c == '[')
            {
                lastStart = sequence.Count;
                sequence.Add(ParseClass(rule));
            }
            else if (c == '.')
            {
                _pos++;
                lastStart = sequence.Count;
                sequence.Add(CharacterSet(rule, CharacterSets.Any));
            }
            else if (c == '(')
            {
                _pos++;
                SkipSpace(newlines: true);
                var group = ParseAlternatives(rule, nested: true);
                if (_pos >= _text.Length || _text[_pos] != ')') throw Error("expected ')' to close the group");
                _pos++;
                lastStart = sequence.Count;
                sequence.Add(_builder.Helper(rule, [.. group]));
            }
            else if (c == '<') throw Error("token references (<...>) are not supported; write the token's text as a literal");
            else if (IsNameChar(c))
            {
                int at = _pos;
                string name = ParseName();
                int id = _builder.RuleId(name);
                _firstUse.TryAdd(name, at);
                lastStart = sequence.Count;
                sequence.Add(GrammarElement.RuleRef(id));
            }
            else if (c is '*' or '+' or '?' or '{')
            {
                if (lastStart < 0) throw Error($"'{c}' follows nothing it could repeat");
                ApplyRepetition(rule, sequence, lastStart);
            }
            else break;
            SkipSpace(newlines: nested);
        }
        return sequence;
    }

    private int FirstUse(string name) => _firstUse.TryGetValue(name, out int at) ? at : 0;

    // x* is R ::= x R | ε; x+ is x R; x? is R ::= x | ε; x{m,n} is m copies of x and n-m nested optionals.
    private void ApplyRepetition(string rule, List<GrammarElement> sequence, int lastStart)
    {
        int at = _pos;
        char c = _text[_pos++];
        int min, max;
        if (c == '*') (min, max) = (0, -1);
        else if (c == '+') (min, max) = (1, -1);
        else if (c == '?') (min, max) = (0, 1);
        else (min, max) = ParseBounds(at);
        var item = sequence.GetRange(lastStart, sequence.Count - lastStart).ToArray();
        sequence.RemoveRange(lastStart, sequence.Count - lastStart);
        sequence.AddRange(_builder.Repeat(rule, item, min, max < 0 ? null : max));
    }

    private (int Min, int Max) ParseBounds(int at)
    {
        int min = ParseCount(at);
        int max = min;
        if (_pos < _text.Length && _text[_pos] == ',')
        {
            _pos++;
            max = _pos < _text.Length && char.IsAsciiDigit(_text[_pos]) ? ParseCount(at) : -1;
        }
        if (_pos >= _text.Length || _text[_pos] != '}') throw Error("expected '}' to close the repetition", at);
        _pos++;
        if (max >= 0 && max < min) throw Error($"repetition {{{min},{max}}} has its maximum below its minimum", at);
        return (min, max);
    }

    private int ParseCount(int at)
    {
        int start = _pos;
        while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos])) _pos++;
        if (start == _pos) throw Error("expected a number in the repetition", at);
        if (!int.TryParse(_text.AsSpan(start, _pos - start), NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n > GrammarLimits.MaxRepetition)
            throw Error($"repetition counts are at most {GrammarLimits.MaxRepetition}", at);
        return n;
    }

    private void ParseLiteral(List<GrammarElement> sequence)
    {
        _pos++;
        Span<byte> utf8 = stackalloc byte[4];
        while (true)
        {
            if (_pos >= _text.Length || _text[_pos] is '\n' or '\r') throw Error("unterminated literal");
            if (_text[_pos] == '"')
            {
                _pos++;
                return;
            }
            int n = new Rune(ParseChar()).EncodeToUtf8(utf8);
            for (int i = 0; i < n; i++) sequence.Add(GrammarElement.Byte(utf8[i]));
        }
    }

    private GrammarElement ParseClass(string rule)
    {
        int at = _pos++;
        bool negated = _pos < _text.Length && _text[_pos] == '^';
        if (negated) _pos++;
        var ranges = new List<(int Low, int High)>();
        while (true)
        {
            if (_pos >= _text.Length || _text[_pos] is '\n' or '\r') throw Error("unterminated character class", at);
            if (_text[_pos] == ']')
            {
                _pos++;
                break;
            }
            int low = ParseChar(), high = low;
            if (_pos + 1 < _text.Length && _text[_pos] == '-' && _text[_pos + 1] != ']')
            {
                _pos++;
                high = ParseChar();
                if (high < low) throw Error($"character range U+{low:X4}-U+{high:X4} is backwards", at);
            }
            ranges.Add((low, high));
        }
        if (negated) ranges = CharacterSets.Complement(ranges);
        if (ranges.Count == 0) throw Error("the character class matches nothing", at);
        return CharacterSet(rule, ranges);
    }

    private GrammarElement CharacterSet(string rule, IEnumerable<(int Low, int High)> ranges) => CharacterSets.Element(_builder, rule, ranges);

    // One character of a literal or class, escapes decoded, as a Unicode scalar value.
    private int ParseChar()
    {
        int at = _pos;
        if (_text[_pos] != '\\')
        {
            var status = Rune.DecodeFromUtf16(_text.AsSpan(_pos), out var rune, out int used);
            if (status != System.Buffers.OperationStatus.Done) throw Error("invalid UTF-16 in the grammar text");
            _pos += used;
            return rune.Value;
        }
        if (++_pos >= _text.Length) throw Error("unterminated escape", at);
        char e = _text[_pos++];
        int value = e switch
        {
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            '\\' or '"' or '[' or ']' or '-' or '^' => e,
            'x' => ParseHex(2, at),
            'u' => ParseHex(4, at),
            'U' => ParseHex(8, at),
            _ => throw Error($"unknown escape '\\{e}'", at),
        };
        if (value > 0x10FFFF || value is >= 0xD800 and <= 0xDFFF) throw Error($"escape \\{e} names no Unicode scalar value", at);
        return value;
    }

    private int ParseHex(int digits, int at)
    {
        if (_pos + digits > _text.Length || !int.TryParse(_text.AsSpan(_pos, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int value))
            throw Error($"expected {digits} hex digits", at);
        _pos += digits;
        return value;
    }

    private string ParseName()
    {
        int start = _pos;
        while (_pos < _text.Length && IsNameChar(_text[_pos])) _pos++;
        if (start == _pos) throw Error("expected a rule name");
        return _text[start.._pos];
    }

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_';

    // Spaces, tabs and # comments; line breaks too where a rule cannot end (groups, after '::=' and '|').
    private void SkipSpace(bool newlines)
    {
        while (_pos < _text.Length)
        {
            char c = _text[_pos];
            if (c is ' ' or '\t' || (newlines && c is '\n' or '\r')) _pos++;
            else if (c == '#')
                while (_pos < _text.Length && _text[_pos] is not ('\n' or '\r')) _pos++;
            else break;
        }
    }

    private GrammarSyntaxException Error(string problem, int? at = null)
    {
        int pos = Math.Min(at ?? _pos, _text.Length);
        int line = 1, column = 1;
        for (int i = 0; i < pos; i++)
        {
            if (_text[i] == '\n')
            {
                line++;
                column = 1;
            }
            else column++;
        }
        return new GrammarSyntaxException(problem, line, column);
    }
}
