using System.Text.RegularExpressions;
using InferenceServer.ChatTemplates.Jinja.Python;

namespace InferenceServer.ChatTemplates.Jinja.Lexing;

/// <summary>
/// Splits a template into tokens exactly as Jinja2's lexer does with <c>trim_blocks</c> and <c>lstrip_blocks</c>:
/// the same whitespace control (<c>-</c>/<c>+</c>), comment and raw handling, and the trailing newline dropped.
/// </summary>
internal sealed partial class Lexer
{
    private static readonly string[] Operators =
        ["//", "**", "==", "!=", ">=", "<=", "+", "-", "/", "*", "%", "~", "[", "]", "(", ")", "{", "}", ">", "<", "=", ".", ":", "|", ",", ";"];

    private readonly string _src;
    private readonly TemplateOptions _options;
    private readonly List<Token> _tokens = [];
    private int _pos;
    private int _line = 1;
    private bool _lineStarting = true;

    private Lexer(string source, TemplateOptions options)
    {
        _src = Normalize(source, options.KeepTrailingNewline);
        _options = options;
    }

    public static List<Token> Tokenize(string source, TemplateOptions options)
    {
        var lexer = new Lexer(source, options);
        lexer.Run();
        // Jinja2 reports the end of the template at the line where the last token starts.
        int eofLine = lexer._tokens.Count > 0 ? lexer._tokens[^1].Line : 1;
        lexer._tokens.Add(new Token(TokenKind.Eof, "", null, eofLine));
        return lexer._tokens;
    }

    /// <summary>Jinja2 turns \r\n and \r into \n and, unless told to keep it, drops one final newline.</summary>
    private static string Normalize(string source, bool keepTrailingNewline)
    {
        var lines = NewlineRegex().Split(source).ToList();
        if (!keepTrailingNewline && lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        return string.Join('\n', lines);
    }

    private void Run()
    {
        while (_pos < _src.Length)
        {
            int tag = FindTagStart(_pos);
            if (tag < 0)
            {
                AddData(_src[_pos..]);
                _pos = _src.Length;
                break;
            }
            char kind = _src[tag + 1];
            int afterOpen = tag + 2;
            char sign = afterOpen < _src.Length && _src[afterOpen] is '-' or '+' ? _src[afterOpen] : '\0';
            Match raw = kind == '%' ? RawBeginRegex().Match(_src, tag) : Match.Empty;
            AddText(_src[_pos..tag], sign, blockLike: kind != '{');
            _lineStarting = false;
            if (raw.Success)
            {
                _pos = tag + raw.Length;
                _line += Newlines(raw.Value);
                _lineStarting = raw.Value.EndsWith('\n');
                LexRawBody();
                continue;
            }
            _pos = afterOpen + (sign != '\0' ? 1 : 0);
            switch (kind)
            {
                case '#':
                    LexComment();
                    break;
                case '{':
                    _tokens.Add(new Token(TokenKind.VariableBegin, "{{", null, _line));
                    LexTag(block: false);
                    break;
                default:
                    _tokens.Add(new Token(TokenKind.BlockBegin, "{%", null, _line));
                    LexTag(block: true);
                    break;
            }
        }
    }

    private int FindTagStart(int from)
    {
        for (int i = _src.IndexOf('{', from); i >= 0 && i + 1 < _src.Length; i = _src.IndexOf('{', i + 1))
            if (_src[i + 1] is '{' or '%' or '#') return i;
        return -1;
    }

    /// <summary>Adds a data token at the current line, unless whitespace control left nothing.</summary>
    private void AddData(string text)
    {
        if (text.Length > 0) _tokens.Add(new Token(TokenKind.Data, text, null, _line));
    }

    /// <summary>Adds the text before a tag after whitespace control, counting all its lines (stripped ones too, as Jinja2 does).</summary>
    private void AddText(string original, char sign, bool blockLike)
    {
        AddData(StripBeforeTag(original, sign, blockLike));
        _line += Newlines(original);
    }

    /// <summary><c>{%-</c> strips all whitespace before the tag; lstrip_blocks strips a block or comment tag's indentation.</summary>
    private string StripBeforeTag(string text, char sign, bool blockLike)
    {
        if (sign == '-') return PyText.Strip(text, null, left: false, right: true);
        if (sign != '+' && _options.LstripBlocks && blockLike)
        {
            int lineStart = text.LastIndexOf('\n') + 1;
            if ((lineStart > 0 || _lineStarting) && lineStart < text.Length && AllSpace(text, lineStart))
                return text[..lineStart];
        }
        return text;
    }

    private void LexComment()
    {
        int close = _src.IndexOf("#}", _pos, StringComparison.Ordinal);
        if (close < 0) throw new TemplateSyntaxException("Missing end of comment tag", _line);
        char sign = close - 1 >= _pos && _src[close - 1] is '-' or '+' ? _src[close - 1] : '\0';
        _line += Newlines(_src[_pos..close]);
        _pos = close + 2;
        AfterTagEnd(sign, _src[close..(close + 2)]);
    }

    private void LexRawBody()
    {
        Match end = RawEndRegex().Match(_src, _pos);
        if (!end.Success) throw new TemplateSyntaxException("Missing end of raw directive", _line);
        char sign = end.Groups[1].Value is [var s] ? s : '\0';
        AddText(_src[_pos..end.Index], sign, blockLike: true);
        _pos = end.Index + end.Length;
        _line += Newlines(end.Value);
        char endSign = end.Groups[2].Value[0] is '-' or '+' ? end.Groups[2].Value[0] : '\0';
        AfterTagEnd(endSign, end.Value);
    }

    /// <summary>After a block or comment end: <c>-%}</c> eats all following whitespace, plain <c>%}</c> one newline (trim_blocks).</summary>
    private void AfterTagEnd(char sign, string consumed)
    {
        int start = _pos;
        if (sign == '-')
        {
            while (_pos < _src.Length && PyText.IsSpace(_src[_pos])) _pos++;
        }
        else if (sign != '+' && _options.TrimBlocks && _pos < _src.Length && _src[_pos] == '\n')
        {
            _pos++;
        }
        string eaten = _src[start.._pos];
        _line += Newlines(eaten);
        _lineStarting = (consumed + eaten).EndsWith('\n');
    }

    private static bool AllSpace(string s, int from)
    {
        for (int i = from; i < s.Length; i++)
            if (!PyText.IsSpace(s[i])) return false;
        return true;
    }

    private static int Newlines(string s) => s.AsSpan().Count('\n');

    [GeneratedRegex(@"\r\n|\r|\n")]
    private static partial Regex NewlineRegex();

    [GeneratedRegex(@"\G\{%(-|\+|)\s*raw\s*(?:-%\}\s*|%\})")]
    private static partial Regex RawBeginRegex();

    [GeneratedRegex(@"\{%(-|\+|)\s*endraw\s*(\+%\}|-%\}|%\})", RegexOptions.Singleline)]
    private static partial Regex RawEndRegex();
}
