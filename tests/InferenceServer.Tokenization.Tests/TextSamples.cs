using System.Text;

namespace InferenceServer.Tokenization.Tests;

/// <summary>Deterministic test strings: story-like sentences, odd spacing, punctuation, digits and characters outside ASCII.</summary>
internal static class TextSamples
{
    private static readonly string[] Words =
    [
        "Once", "upon", "a", "time", "there", "was", "little", "girl", "named", "Lily", "She", "loved", "to", "play",
        "with", "her", "toys", "in", "the", "park", "One", "day", "she", "saw", "big", "red", "ball", "and", "said",
        "Mom", "can", "I", "have", "it", "?", "!", ",", ".", "\"", "'", "Tim", "dog", "happy", "sad", "They", "were",
        "friends", "forever", "The", "end", "sun", "was", "shining", "bright", "tree", "bird", "flew", "away", "ate",
        "cake", "don't", "it's", "I'm", "you're", "we've", "2", "42", "1999", "3.14", "-", ":", ";", "$5", "(", ")",
        "café", "naïve", "日本", "😀", "Ünïcödé", "ß", "\t", "\n", "  ", "Hello", "HELLO", "hello_world", "a-b", "x",
    ];

    private static readonly string[] Separators = [" ", " ", " ", " ", "", "  ", "\n", " \n", "\n\n", "\t", "   "];

    public static IEnumerable<string> Generate(int count, int seed)
    {
        var random = new Random(seed);
        for (int i = 0; i < count; i++)
        {
            var sb = new StringBuilder();
            if (random.Next(8) == 0) sb.Append(Separators[random.Next(Separators.Length)]);
            int words = random.Next(1, 30);
            for (int w = 0; w < words; w++)
            {
                if (w > 0) sb.Append(Separators[random.Next(Separators.Length)]);
                sb.Append(Words[random.Next(Words.Length)]);
            }
            if (random.Next(6) == 0) sb.Append(Separators[random.Next(Separators.Length)]);
            yield return sb.ToString();
        }
    }
}
