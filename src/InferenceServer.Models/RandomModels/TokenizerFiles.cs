namespace InferenceServer.Models.RandomModels;

/// <summary>Which bundled tokenizer a random model ships with (from shared/models/tokenizers).</summary>
public enum TokenizerFiles
{
    /// <summary>Llama 2 SentencePiece tokenizer.model (32,000 tokens), with a tokenizer_config.json naming &lt;s&gt; and &lt;/s&gt;.</summary>
    Llama2Spm,
    /// <summary>Qwen3 byte-level BPE tokenizer.json and tokenizer_config.json (151,643 tokens + specials).</summary>
    Qwen3,
}
