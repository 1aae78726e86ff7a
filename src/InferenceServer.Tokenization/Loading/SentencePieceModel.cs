namespace InferenceServer.Tokenization.Loading;

/// <summary>The parts of a SentencePiece ModelProto (tokenizer.model) a BPE tokenizer needs.</summary>
public sealed class SentencePieceModel
{
    public List<(string Piece, float Score, TokenType Type)> Pieces { get; } = [];

    /// <summary>TrainerSpec.model_type: 1 Unigram (the proto default), 2 BPE, 3 Word, 4 Char.</summary>
    public int ModelType { get; set; } = 1;
    public int UnknownId { get; set; }
    public int BosId { get; set; } = 1;
    public int EosId { get; set; } = 2;
    public bool ByteFallback { get; set; }
    public bool TreatWhitespaceAsSuffix { get; set; }
    public string NormalizerName { get; set; } = "";
    public int PrecompiledCharsmapLength { get; set; }
    public bool AddDummyPrefix { get; set; } = true;
    public bool RemoveExtraWhitespaces { get; set; } = true;
    public bool EscapeWhitespaces { get; set; } = true;
}
