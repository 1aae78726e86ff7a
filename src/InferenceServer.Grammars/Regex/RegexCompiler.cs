using System.Globalization;
using System.Text;
using InferenceServer.Grammars.Ir;
using InferenceServer.Grammars.Utf8;

namespace InferenceServer.Grammars.Regex;

/// <summary>
/// Compiles a regular expression to a grammar of the strings it matches whole (vLLM's <c>guided_regex</c> and JSON
/// Schema's <c>pattern</c> mean a full match). Supported: literals, <c>.</c> (not a line feed), classes with ranges and
/// negation, <c>\d \w \s</c> and their negations (ASCII, as ECMAScript reads them), escapes (<c>\n \t \r \f \v \xHH
/// \uHHHH</c> and escaped punctuation), groups (<c>( )</c>, <c>(?: )</c>, named), alternation, and the quantifiers
/// <c>* + ? {m} {m,} {m,n}</c>, lazy or not (the language is the same). <c>^</c> and <c>$</c> are accepted at the ends
/// only. Backreferences, lookaround, word boundaries and possessive quantifiers are refused with their position.
/// </summary>
public sealed class RegexCompiler
{
    private const string Owner = "regex";
    private static readonly (int, int)[] Digits = [('0', '9')];
    private static readonly (int, int)[] Word = [('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')];
    private static readonly (int, int)[] Space = [('\t', '\r'), (' ', ' ')];

    private readonly string _pattern;
    private readonly GrammarBuilder _builder = new();
    private int _pos;
    private int _end;

    // The character an escape stood for, when it was not a class shorthand.
    private int _lastChar;

    private RegexCompiler(string pattern) => _pattern = pattern;

    /// <summary>The grammar of the strings <paramref name="pattern"/> matches as a whole.</summary>
    public static Grammar Compile(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return new RegexCompiler(pattern).Run();
    }

    private Grammar Run()
    {
        _end = _pattern.Length;
        if (_pattern.StartsWith('^')) _pos = 1;
        if (_end > _pos && _pattern[_end - 1] == '$' && !IsEscaped(_end - 1)) _end--;
        var alternatives = Alternation();
        if (_pos < _end) throw Error(_pattern[_pos] == ')' ? "unbalanced ')'" : "unexpected character");
        int root = _builder.RuleId("root");
        _builder.Define(root, alternatives);
        return _builder.Build("root");
    }

    private bool IsEscaped(int index)
    {
        int backslashes = 0;
        for (int i = index - 1; i >= 0 && _pattern[i] == '\\'; i--) backslashes++;
        return backslashes % 2 == 1;
    }

    private List<IReadOnlyList<GrammarElement>> Alternation()
    {
        var alternatives = new List<IReadOnlyList<GrammarElement>> { Sequence() };
        while (_pos < _end && _pattern[_pos] == '|')
        {
            _pos++;
            alternatives.Add(Sequence());
        }
        return alternatives;
    }

    private List<GrammarElement> Sequence()
    {
        var sequence = new List<GrammarElement>();
        while (_pos < _end && _pattern[_pos] is not ('|' or ')'))
        {
            var atom = Atom();
            if (Quantifier() is { } q) sequence.AddRange(_builder.Repeat(Owner, atom, q.Min, q.Max));
            else sequence.AddRange(atom);
        }
        return sequence;
    }

    private IReadOnlyList<GrammarElement> Atom()
    {
        int at = _pos;
        char c = _pattern[_pos];
        switch (c)
        {
            case '(':
                _pos++;
                GroupPrefix(at);
                var inner = Alternation();
                if (_pos >= _end || _pattern[_pos] != ')') throw Error("expected ')' to close the group", at);
                _pos++;
                return [_builder.Helper(Owner, [.. inner])];
            case '[':
                return [CharacterSets.Element(_builder, Owner, Class())];
            case '.':
                _pos++;
                return [CharacterSets.Element(_builder, Owner, CharacterSets.Complement([('\n', '\n')]))];
            case '\\':
                return Escape(inClass: false) is { } set ? [CharacterSets.Element(_builder, Owner, set)] : Literal(_lastChar);
            case '^' or '$':
                throw Error($"'{c}' is only supported at the start or end of the pattern");
            case '*' or '+' or '?':
                throw Error($"'{c}' follows nothing it could repeat");
            default:
                return Literal(NextRune());
        }
    }

    // (?:...) and named groups are plain groups; lookaround and inline flags are refused.
    private void GroupPrefix(int at)
    {
        if (_pos >= _end || _pattern[_pos] != '?') return;
        var rest = _pattern.AsSpan(_pos + 1);
        if (rest.StartsWith(":")) _pos += 2;
        else if (rest.StartsWith("P<") || (rest.StartsWith("<") && !rest.StartsWith("<=") && !rest.StartsWith("<!")))
        {
            int close = _pattern.IndexOf('>', _pos);
            if (close < 0 || close >= _end) throw Error("unterminated group name", at);
            _pos = close + 1;
        }
        else throw Error("lookaround, conditionals and inline flags are not supported", at);
    }

    private (int Min, int? Max)? Quantifier()
    {
        if (_pos >= _end) return null;
        int at = _pos;
        (int Min, int? Max) q;
        switch (_pattern[_pos])
        {
            case '*': q = (0, null); _pos++; break;
            case '+': q = (1, null); _pos++; break;
            case '?': q = (0, 1); _pos++; break;
            case '{' when Bounds() is { } bounds: q = bounds; break;
            default: return null;
        }
        if (_pos < _end && _pattern[_pos] == '?') _pos++;
        else if (_pos < _end && _pattern[_pos] == '+') throw Error("possessive quantifiers are not supported", _pos);
        if (q.Max < q.Min) throw Error($"quantifier {{{q.Min},{q.Max}}} has its maximum below its minimum", at);
        if (q.Min > GrammarLimits.MaxRepetition || q.Max > GrammarLimits.MaxRepetition) throw Error($"repetition counts are at most {GrammarLimits.MaxRepetition}", at);
        return q;
    }

    // {m}, {m,} or {m,n}; anything else after '{' is a literal brace, as in Python and ECMAScript.
    private (int Min, int? Max)? Bounds()
    {
        var match = System.Text.RegularExpressions.Regex.Match(_pattern[.._end][_pos..], @"^\{(\d+)(,(\d*))?\}");
        if (!match.Success) return null;
        _pos += match.Length;
        int min = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        int? max = !match.Groups[2].Success ? min : match.Groups[3].Length == 0 ? null : int.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture);
        return (min, max);
    }

    private List<(int Low, int High)> Class()
    {
        int at = _pos++;
        bool negated = _pos < _end && _pattern[_pos] == '^';
        if (negated) _pos++;
        var ranges = new List<(int Low, int High)>();
        bool first = true;
        while (true)
        {
            if (_pos >= _end) throw Error("unterminated character class", at);
            if (_pattern[_pos] == ']' && !first)
            {
                _pos++;
                break;
            }
            first = false;
            int low;
            if (_pattern[_pos] == '\\')
            {
                if (Escape(inClass: true) is { } set)
                {
                    ranges.AddRange(set);
                    continue;
                }
                low = _lastChar;
            }
            else low = NextRune();
            int high = low;
            if (_pos + 1 < _end && _pattern[_pos] == '-' && _pattern[_pos + 1] != ']')
            {
                _pos++;
                if (_pattern[_pos] == '\\')
                {
                    if (Escape(inClass: true) is not null) throw Error("a class shorthand cannot end a range", _pos);
                    high = _lastChar;
                }
                else high = NextRune();
                if (high < low) throw Error("character range is backwards", at);
            }
            ranges.Add((low, high));
        }
        return negated ? CharacterSets.Complement(ranges) : ranges;
    }

    // A set for \d \w \s and their negations; otherwise null, with the escaped character in _lastChar.
    private List<(int Low, int High)>? Escape(bool inClass)
    {
        int at = _pos++;
        if (_pos >= _end) throw Error("the pattern ends in a backslash", at);
        char e = _pattern[_pos++];
        switch (e)
        {
            case 'd': return [.. Digits];
            case 'D': return CharacterSets.Complement(Digits);
            case 'w': return [.. Word];
            case 'W': return CharacterSets.Complement(Word);
            case 's': return [.. Space];
            case 'S': return CharacterSets.Complement(Space);
            case 'b' when inClass: _lastChar = '\b'; return null;
            case 'b' or 'B' or 'A' or 'z' or 'Z' or 'G': throw Error($"'\\{e}' (anchors and word boundaries) is not supported", at);
            case >= '1' and <= '9': throw Error("backreferences are not supported", at);
            case 'n': _lastChar = '\n'; return null;
            case 't': _lastChar = '\t'; return null;
            case 'r': _lastChar = '\r'; return null;
            case 'f': _lastChar = '\f'; return null;
            case 'v': _lastChar = '\v'; return null;
            case '0': _lastChar = 0; return null;
            case 'x': _lastChar = Hex(2, at); return null;
            case 'u': _lastChar = Hex(4, at); return null;
            default:
                if (char.IsAsciiLetterOrDigit(e)) throw Error($"unknown escape '\\{e}'", at);
                _lastChar = e;
                return null;
        }
    }

    private int Hex(int digits, int at)
    {
        if (_pos + digits > _end || !int.TryParse(_pattern.AsSpan(_pos, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int value))
            throw Error($"expected {digits} hex digits", at);
        _pos += digits;
        if (value is >= 0xD800 and <= 0xDFFF) throw Error("a surrogate is not a character", at);
        return value;
    }

    private int NextRune()
    {
        if (Rune.DecodeFromUtf16(_pattern.AsSpan(_pos, _end - _pos), out var rune, out int used) != System.Buffers.OperationStatus.Done)
            throw Error("invalid UTF-16 in the pattern");
        _pos += used;
        return rune.Value;
    }

    private static List<GrammarElement> Literal(int scalar)
    {
        Span<byte> utf8 = stackalloc byte[4];
        int n = new Rune(scalar).EncodeToUtf8(utf8);
        var elements = new List<GrammarElement>(n);
        for (int i = 0; i < n; i++) elements.Add(GrammarElement.Byte(utf8[i]));
        return elements;
    }

    private RegexSyntaxException Error(string problem, int? at = null) => new(problem, at ?? _pos);
}
