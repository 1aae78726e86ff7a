using Google.Protobuf;
using InferenceServer.Core.Errors;
using InferenceServer.Tokenization.Decoding;
using InferenceServer.Tokenization.Normalization;
using InferenceServer.Tokenization.Vocabulary;

namespace InferenceServer.Tokenization.Loading;

/// <summary>
/// Reads a SentencePiece BPE tokenizer.model. Microsoft.ML.Tokenizers' own SentencePiece BPE is not exact (it merges the
/// rightmost of equal pairs), so the pieces are read here and run through <see cref="TextTokenizer"/> the way
/// transformers converts them: merges from scores, metaspace normalizer, byte fallback after encoding.
/// </summary>
public static class SentencePieceModelReader
{
    /// <summary>Reads and converts <paramref name="path"/>; BOS is added, as Hugging Face's Llama tokenizer does by default.</summary>
    public static TokenizerDefinition Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException(path, $"cannot read the file: {e.Message}", e);
        }
        return ToDefinition(Parse(bytes, path), path);
    }

    /// <summary>Parses the protobuf fields of a ModelProto.</summary>
    public static SentencePieceModel Parse(byte[] bytes, string path)
    {
        var model = new SentencePieceModel();
        try
        {
            var input = new CodedInputStream(bytes);
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                switch (WireFormat.GetTagFieldNumber(tag))
                {
                    case 1 when WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited:
                        model.Pieces.Add(ReadPiece(input.ReadBytes()));
                        break;
                    case 2 when WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited:
                        ReadTrainerSpec(input.ReadBytes(), model);
                        break;
                    case 3 when WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited:
                        ReadNormalizerSpec(input.ReadBytes(), model);
                        break;
                    default:
                        input.SkipLastField();
                        break;
                }
            }
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ModelLoadException(path, $"not a valid SentencePiece model (protobuf error: {e.Message})", e);
        }
        if (model.Pieces.Count == 0)
            throw new ModelLoadException(path, "not a SentencePiece model: it has no pieces");
        return model;
    }

    private static (string, float, TokenType) ReadPiece(ByteString bytes)
    {
        var input = bytes.CreateCodedInput();
        string piece = "";
        float score = 0;
        var type = TokenType.Normal;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: piece = input.ReadString(); break;
                case 2: score = input.ReadFloat(); break;
                case 3: type = (TokenType)input.ReadEnum(); break;
                default: input.SkipLastField(); break;
            }
        }
        return (piece, score, type);
    }

    private static void ReadTrainerSpec(ByteString bytes, SentencePieceModel model)
    {
        var input = bytes.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 3: model.ModelType = input.ReadEnum(); break;
                case 24: model.TreatWhitespaceAsSuffix = input.ReadBool(); break;
                case 35: model.ByteFallback = input.ReadBool(); break;
                case 40: model.UnknownId = input.ReadInt32(); break;
                case 41: model.BosId = input.ReadInt32(); break;
                case 42: model.EosId = input.ReadInt32(); break;
                default: input.SkipLastField(); break;
            }
        }
    }

    private static void ReadNormalizerSpec(ByteString bytes, SentencePieceModel model)
    {
        var input = bytes.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: model.NormalizerName = input.ReadString(); break;
                case 2: model.PrecompiledCharsmapLength = input.ReadBytes().Length; break;
                case 3: model.AddDummyPrefix = input.ReadBool(); break;
                case 4: model.RemoveExtraWhitespaces = input.ReadBool(); break;
                case 5: model.EscapeWhitespaces = input.ReadBool(); break;
                default: input.SkipLastField(); break;
            }
        }
    }

    /// <summary>Converts a parsed model as transformers' LlamaConverter does.</summary>
    public static TokenizerDefinition ToDefinition(SentencePieceModel model, string path)
    {
        if (model.ModelType != 2)
        {
            string kind = model.ModelType switch { 1 => "Unigram", 3 => "Word", 4 => "Char", _ => $"type {model.ModelType}" };
            throw new ModelLoadException(path, $"SentencePiece {kind} models are not supported (only BPE)");
        }
        if (model.PrecompiledCharsmapLength > 0)
            throw new ModelLoadException(path, $"SentencePiece normalization rules ('{model.NormalizerName}') are not supported yet (only identity)");
        if (model.TreatWhitespaceAsSuffix)
            throw new ModelLoadException(path, "SentencePiece treat_whitespace_as_suffix is not supported");

        var pieces = model.Pieces;
        var tokens = pieces.Select(p => (string?)p.Piece).ToArray();
        var vocabulary = new Dictionary<string, int>(pieces.Count, StringComparer.Ordinal);
        for (int id = 0; id < pieces.Count; id++) vocabulary.TryAdd(pieces[id].Piece, id);
        var merges = ScoreMerges.Derive(tokens, [.. pieces.Select(p => p.Score)], vocabulary);

        var normalizers = new List<ITextNormalizer>();
        if (model.RemoveExtraWhitespaces) normalizers.Add(CollapseWhitespaceNormalizer.Instance);
        if (model.AddDummyPrefix) normalizers.Add(new PrependNormalizer("▁"));
        if (model.EscapeWhitespaces) normalizers.Add(new ReplaceNormalizer(" ", "▁"));

        int? IdIfValid(int id) => id >= 0 && id < pieces.Count ? id : null;
        return new TokenizerDefinition
        {
            SourcePath = path,
            ByteLevel = false,
            Tokens = tokens,
            ModelVocabulary = vocabulary,
            Merges = merges,
            Scores = [.. pieces.Select(p => p.Score)],
            AddedTokens = AddedTokensFromTypes(tokens, [.. pieces.Select(p => p.Type)]),
            Normalizer = normalizers.Count == 0 ? null : new SequenceNormalizer(normalizers),
            UnknownToken = IdIfValid(model.UnknownId) is int unk ? pieces[unk].Piece : null,
            FuseUnknown = true,
            ByteFallback = model.ByteFallback,
            Decoding = new TokenDecoding(TokenTextForm.Metaspace, model.ByteFallback,
                model.AddDummyPrefix ? LeadingSpaceRule.StripOneSpace : LeadingSpaceRule.None),
            BosTokenId = IdIfValid(model.BosId),
            AddBosToken = IdIfValid(model.BosId) is not null,
            EosTokenIds = IdIfValid(model.EosId) is int eos ? [eos] : [],
        };
    }

    /// <summary>
    /// Control, unknown and user-defined pieces are matched in raw text before the model runs (as llama.cpp and the
    /// converted Hugging Face tokenizers do); all but user-defined ones are special.
    /// </summary>
    internal static List<AddedToken> AddedTokensFromTypes(IReadOnlyList<string?> tokens, IReadOnlyList<TokenType> types)
    {
        var added = new List<AddedToken>();
        for (int id = 0; id < tokens.Count && id < types.Count; id++)
        {
            if (tokens[id] is not { Length: > 0 } content) continue;
            if (types[id] is TokenType.Control or TokenType.Unknown or TokenType.UserDefined)
                added.Add(new AddedToken(id, content, Special: types[id] != TokenType.UserDefined));
        }
        return added;
    }
}
