using System.IO;

namespace Nsm.Healing.Silo.Tests.Configuration;

/// <summary>A temporary directory for files a test writes; deleted on dispose.</summary>
public sealed class TemporaryFiles : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("nsm-silo-tests-");

    public string Write(string name, string content)
    {
        var path = Path.Combine(_directory.FullName, name);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
