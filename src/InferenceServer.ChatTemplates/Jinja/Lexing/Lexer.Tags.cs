using System.Globalization;
using System.Text.RegularExpressions;
using InferenceServer.ChatTemplates.Jinja.Python;

namespace InferenceServer.ChatTemplates.Jinja.Lexing;

/// <summary>The inside of <c>{{ }}</c> and <c>{% %}</c>: names, numbers, strings and operators, until the closing delimiter outside brackets.</summary>
internal sealed partial class Lexer
{
    private void LexTag(bool block)
    {
        var brackets = new Stack<char>();
        while (true)
        {
            if (_pos >= _src.Length) return; // the parser reports the missing end of the tag
            if (brackets.Count == 0 && TryTagEnd(block)) return;
            char c = _src[_pos];
            if (PyText.IsSpace(c))
            {
                int start = _pos;
                while (_pos < _src.Length && PyText.IsSpace(_src[_pos])) _pos++;
                _line += Newlines(_src[start.._pos]);
                continue;
            }
            if (TryRegex(FloatRegex(), TokenKind.Float) || TryRegex(IntegerRegex(), TokenKind.Integer) ||
                TryRegex(NameRegex(), TokenKind.Name) || TryRegex(StringRegex(), TokenKind.String))
                continue;
            string? op = Operators.FirstOrDefault(o => string.CompareOrdinal(_src, _pos, o, 0, o.Length) == 0);
            if (op is null)
                throw new TemplateSyntaxException($"unexpected char {PyRepr.Repr(c.ToString())} at {_pos}", _line);
            Balance(brackets, op);
            _tokens.Add(new Token(TokenKind.Operator, op, null, _line));
            _pos += op.Length;
        }
    }

    private bool TryTagEnd(bool block)
    {
        string close = block ? "%}" : "}}";
        foreach (char sign in block ? "+-\0" : "-\0")
        {
            string end = sign == '\0' ? close : sign + close;
            if (string.CompareOrdinal(_src, _pos, end, 0, end.Length) != 0) continue;
            _tokens.Add(new Token(block ? TokenKind.BlockEnd : TokenKind.VariableEnd, end, null, _line));
            _pos += end.Length;
            if (block) AfterTagEnd(sign, end);
            else AfterVariableEnd(sign);
            return true;
        }
        return false;
    }

    /// <summary><c>-}}</c> eats the whitespace after it; trim_blocks never applies to print tags.</summary>
    private void AfterVariableEnd(char sign)
    {
        int start = _pos;
        if (sign == '-')
            while (_pos < _src.Length && PyText.IsSpace(_src[_pos])) _pos++;
        _line += Newlines(_src[start.._pos]);
        _lineStarting = _pos > 0 && _src[_pos - 1] == '\n';
    }

    private bool TryRegex(Regex regex, TokenKind kind)
    {
        Match m = regex.Match(_src, _pos);
        if (!m.Success) return false;
        string text = m.Value;
        object? value = kind switch
        {
            TokenKind.Float => double.Parse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture),
            TokenKind.Integer => ParseInteger(text.Replace("_", "", StringComparison.Ordinal)),
            TokenKind.String => StringLiteral.Unescape(text[1..^1], _line),
            _ => null,
        };
        _tokens.Add(new Token(kind, text, value, _line));
        _line += Newlines(text);
        _pos += text.Length;
        return true;
    }

    private long ParseInteger(string text)
    {
        try
        {
            string lower = text.ToLowerInvariant();
            if (lower.StartsWith("0x", StringComparison.Ordinal)) return Convert.ToInt64(lower[2..], 16);
            if (lower.StartsWith("0o", StringComparison.Ordinal)) return Convert.ToInt64(lower[2..], 8);
            if (lower.StartsWith("0b", StringComparison.Ordinal)) return Convert.ToInt64(lower[2..], 2);
            return long.Parse(lower, CultureInfo.InvariantCulture);
        }
        catch (OverflowException)
        {
            throw new TemplateSyntaxException($"integer literal {text} is beyond 64 bits", _line);
        }
    }

    private void Balance(Stack<char> brackets, string op)
    {
        switch (op)
        {
            case "(": brackets.Push(')'); break;
            case "[": brackets.Push(']'); break;
            case "{": brackets.Push('}'); break;
            case ")" or "]" or "}":
                if (brackets.Count == 0) throw new TemplateSyntaxException($"unexpected '{op}'", _line);
                char expected = brackets.Pop();
                if (expected != op[0]) throw new TemplateSyntaxException($"unexpected '{op}', expected '{expected}'", _line);
                break;
        }
    }

    [GeneratedRegex(@"\G(?<!\.)([0-9]+_)*[0-9]+((\.([0-9]+_)*[0-9]+)?e[+\-]?([0-9]+_)*[0-9]+|\.([0-9]+_)*[0-9]+)", RegexOptions.IgnoreCase)]
    private static partial Regex FloatRegex();

    [GeneratedRegex(@"\G(0b(_?[0-1])+|0o(_?[0-7])+|0x(_?[0-9a-f])+|[1-9](_?[0-9])*|0(_?0)*)", RegexOptions.IgnoreCase)]
    private static partial Regex IntegerRegex();

    [GeneratedRegex(@"\G[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*")]
    private static partial Regex NameRegex();

    [GeneratedRegex(@"\G('([^'\\]*(?:\\.[^'\\]*)*)'|""([^""\\]*(?:\\.[^""\\]*)*)"")", RegexOptions.Singleline)]
    private static partial Regex StringRegex();
}
