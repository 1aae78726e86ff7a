using System.IO.MemoryMappedFiles;
using InferenceServer.Core.Errors;

namespace InferenceServer.Models.Weights;

/// <summary>A whole file mapped read-only into memory; weights point straight into it instead of being copied.</summary>
public sealed unsafe class MappedFile : IDisposable
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private byte* _base;

    private MappedFile(string path, MemoryMappedFile map, MemoryMappedViewAccessor view, byte* basePointer, long length)
    {
        Path = path;
        _map = map;
        _view = view;
        _base = basePointer;
        Length = length;
    }

    /// <summary>The file's path, for error messages.</summary>
    public string Path { get; }

    /// <summary>Size of the file in bytes.</summary>
    public long Length { get; }

    /// <summary>First byte of the file; valid until disposed.</summary>
    public byte* Pointer => _base != null ? _base : throw new ObjectDisposedException(Path);

    /// <summary>Maps <paramref name="path"/>; a missing or empty file is a <see cref="ModelLoadException"/>.</summary>
    public static MappedFile Open(string path)
    {
        if (!File.Exists(path)) throw new ModelLoadException(path, "file not found");
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException(path, "cannot open: " + e.Message, e);
        }
        long length = stream.Length;
        if (length == 0)
        {
            stream.Dispose();
            throw new ModelLoadException(path, "file is empty");
        }
        MemoryMappedFile? map = null;
        MemoryMappedViewAccessor? view = null;
        try
        {
            map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            byte* p = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
            return new MappedFile(path, map, view, p + view.PointerOffset, length);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            view?.Dispose();
            map?.Dispose();
            stream.Dispose();
            throw new ModelLoadException(path, "cannot memory-map: " + e.Message, e);
        }
    }

    public void Dispose()
    {
        if (_base == null) return;
        _base = null;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
    }
}
