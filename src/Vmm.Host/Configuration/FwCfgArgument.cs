using System.Text;
using Vmm.Core;
using Vmm.Sdk;

namespace Vmm.Host.Configuration;

/// <summary>
/// <c>--fw-cfg [name=]NAME,string=S</c> and <c>--fw-cfg [name=]NAME,file=F</c>, as QEMU's <c>-fw_cfg</c>
/// (docs/specs/fw_cfg.rst, "Externally Provided Items"): a named file for the fw_cfg device's directory. A literal
/// comma in a value is written twice (<c>,,</c>), as in QEMU. Each error is one line naming the argument.
/// </summary>
public static class FwCfgArgument
{
    /// <summary>fw_cfg's directory entry holds a name of at most 55 bytes and its NUL.</summary>
    public const int MaxNameBytes = 55;

    /// <summary>Parses every <c>--fw-cfg</c>, reading the files; a name given twice is an error naming both arguments.</summary>
    public static IReadOnlyList<FirmwareFile> ParseAll(IReadOnlyList<string> arguments)
    {
        var files = new List<FirmwareFile>(arguments.Count);
        foreach (var argument in arguments)
        {
            var file = Parse(argument);
            if (files.Find(earlier => earlier.Name == file.Name) is { } earlier)
                throw new ConfigurationException($"{file.Source}: fw_cfg file \"{file.Name}\" is already given by {earlier.Source}; give each file one name");
            files.Add(file);
        }
        return files;
    }

    /// <summary>Parses one <c>--fw-cfg</c> value; a <c>file=</c> is read now (relative to the working directory).</summary>
    public static FirmwareFile Parse(string text)
    {
        var where = $"--fw-cfg '{text}'";
        string? name = null, content = null, path = null;
        var parts = QemuOptionList.Split(text);
        for (var i = 0; i < parts.Count; i++)
        {
            var part = parts[i];
            var equals = part.IndexOf('=');
            var key = equals < 0 ? null : part[..equals].ToLowerInvariant();
            var value = equals < 0 ? part : part[(equals + 1)..];
            switch (key)
            {
                case null when i == 0:
                case "name":
                    Once(ref name, value, "name", where);
                    break;
                case "string":
                    Once(ref content, value, "string", where);
                    break;
                case "file":
                    Once(ref path, value, "file", where);
                    break;
                case "gen_id":
                    throw new ConfigurationException($"{where}: gen_id (QEMU's generated items) is not supported; give string= or file=");
                default:
                    throw new ConfigurationException($"{where}: '{part}' is not name=, string= or file=; e.g. --fw-cfg opt/org.example/mode,string=test");
            }
        }

        if (string.IsNullOrEmpty(name))
            throw new ConfigurationException($"{where}: the file's name comes first, e.g. --fw-cfg opt/org.example/mode,string=test");
        var nameBytes = Encoding.UTF8.GetByteCount(name);
        if (nameBytes > MaxNameBytes)
            throw new ConfigurationException($"{where}: name \"{name}\" is {nameBytes} bytes; fw_cfg allows at most {MaxNameBytes}");
        if ((content is null) == (path is null))
            throw new ConfigurationException($"{where}: give either string= or file=, not {(content is null ? "neither" : "both")}");
        if (content is not null)
            return new FirmwareFile(name, Encoding.UTF8.GetBytes(content), where);

        try
        {
            return new FirmwareFile(name, File.ReadAllBytes(path!), where);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ConfigurationException($"{where}: cannot read file \"{path}\": {ex.Message}", ex);
        }
    }

    private static void Once(ref string? slot, string value, string key, string where)
    {
        if (slot is not null)
            throw new ConfigurationException($"{where}: {key} is given twice");
        slot = value;
    }
}
