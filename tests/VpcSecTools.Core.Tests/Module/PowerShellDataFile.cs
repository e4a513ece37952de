using System.Globalization;
using System.Text;

namespace VpcSecTools.Tests.Module;

/// <summary>
/// Reads a PowerShell data file (.psd1) as data, the way Import-PowerShellDataFile does, for the subset a module
/// manifest uses: one hashtable <c>@{ Key = value }</c> whose values are 'single' or "double" quoted strings
/// (no expansion), numbers, $true/$false/$null, arrays <c>@( ... )</c> or comma lists, and nested hashtables;
/// # and &lt;# #&gt; comments. Anything else (a variable, a command, an expression) is rejected, as a manifest must be.
/// </summary>
public sealed class PowerShellDataFile
{
    private readonly string _text;
    private int _at;

    private PowerShellDataFile(string text) => _text = text.TrimStart('\uFEFF');

    /// <summary>The manifest's top-level hashtable, keys case-insensitive; arrays are object?[], hashtables dictionaries.</summary>
    public static IReadOnlyDictionary<string, object?> Parse(string text)
    {
        var reader = new PowerShellDataFile(text);
        reader.SkipTrivia(newlines: true);
        var table = reader.Hashtable();
        reader.SkipTrivia(newlines: true);
        if (reader._at < text.Length) throw reader.Error("text after the closing brace of the hashtable");
        return table;
    }

    /// <summary>Reads a .psd1 file.</summary>
    public static IReadOnlyDictionary<string, object?> Read(string path) => Parse(File.ReadAllText(path));

    private Dictionary<string, object?> Hashtable()
    {
        Expect("@{");
        var table = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        while (true)
        {
            SkipTrivia(newlines: true, separators: true);
            if (TryTake("}")) return table;
            var key = Peek() is '\'' or '"' ? QuotedString() : Bareword();
            SkipTrivia();
            Expect("=");
            SkipTrivia(newlines: true);
            if (!table.TryAdd(key, Value())) throw Error($"duplicate key '{key}'");
        }
    }

    private object? Value()
    {
        var first = Element();
        SkipTrivia();
        if (Peek() != ',') return first;
        var items = new List<object?> { first };
        while (TryTake(","))
        {
            SkipTrivia(newlines: true);
            items.Add(Element());
            SkipTrivia();
        }
        return items.ToArray();
    }

    private object? Element()
    {
        if (Peek() is '\'' or '"') return QuotedString();
        if (At("@{")) return Hashtable();
        if (At("@(")) return Array();
        if (Peek() == '$')
        {
            _at++;
            var name = Bareword().ToLowerInvariant();
            return name switch
            {
                "true" => true,
                "false" => false,
                "null" => null,
                _ => throw Error($"variable ${name} is not allowed in a data file"),
            };
        }
        var word = Bareword();
        if (long.TryParse(word, NumberStyles.Integer, CultureInfo.InvariantCulture, out var integer)) return integer;
        if (double.TryParse(word, NumberStyles.Float, CultureInfo.InvariantCulture, out var real)) return real;
        throw Error($"'{word}' is not a value a data file may hold (quote strings)");
    }

    private object?[] Array()
    {
        Expect("@(");
        var items = new List<object?>();
        while (true)
        {
            SkipTrivia(newlines: true, separators: true, commas: true);
            if (TryTake(")")) return items.ToArray();
            items.Add(Element());
        }
    }

    private string QuotedString()
    {
        var quote = _text[_at++];
        var value = new StringBuilder();
        while (true)
        {
            if (_at >= _text.Length) throw Error("unterminated string");
            var c = _text[_at++];
            if (c == quote)
            {
                // A doubled quote is one quote character, in both kinds of string.
                if (_at < _text.Length && _text[_at] == quote) { value.Append(quote); _at++; continue; }
                return value.ToString();
            }
            if (quote == '"' && c == '$' && _at < _text.Length && (char.IsLetter(_text[_at]) || _text[_at] is '(' or '{'))
                throw Error("a double-quoted string with $ would be expanded; use single quotes");
            if (quote == '"' && c == '`' && _at < _text.Length) c = _text[_at++];
            value.Append(c);
        }
    }

    private string Bareword()
    {
        var start = _at;
        while (_at < _text.Length && (char.IsLetterOrDigit(_text[_at]) || _text[_at] is '_' or '.' or '-' or '+')) _at++;
        if (_at == start) throw Error($"unexpected '{Peek()}'");
        return _text[start.._at];
    }

    private void SkipTrivia(bool newlines = false, bool separators = false, bool commas = false)
    {
        while (_at < _text.Length)
        {
            var c = _text[_at];
            if (c is ' ' or '\t' || (newlines && c is '\r' or '\n') || (separators && c == ';') || (commas && c == ',')) _at++;
            else if (c == '#')
                while (_at < _text.Length && _text[_at] != '\n') _at++;
            else if (At("<#"))
            {
                var end = _text.IndexOf("#>", _at + 2, StringComparison.Ordinal);
                if (end < 0) throw Error("unterminated <# comment");
                _at = end + 2;
            }
            else return;
        }
    }

    private char Peek() => _at < _text.Length ? _text[_at] : '\0';
    private bool At(string token) => string.CompareOrdinal(_text, _at, token, 0, token.Length) == 0;

    private bool TryTake(string token)
    {
        if (!At(token)) return false;
        _at += token.Length;
        return true;
    }

    private void Expect(string token)
    {
        if (!TryTake(token)) throw Error($"expected '{token}'");
    }

    private FormatException Error(string problem)
    {
        var line = 1 + _text.Take(Math.Min(_at, _text.Length)).Count(c => c == '\n');
        return new FormatException($"psd1 line {line}: {problem}");
    }
}
