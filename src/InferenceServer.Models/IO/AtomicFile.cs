namespace InferenceServer.Models.IO;

/// <summary>Writes a file under a temporary name and renames it on success, so a failed or interrupted write never leaves a half-written model behind.</summary>
internal static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        string partial = path + ".partial";
        try
        {
            using (var stream = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
                write(stream);
            File.Move(partial, path, overwrite: true);
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
    }
}
