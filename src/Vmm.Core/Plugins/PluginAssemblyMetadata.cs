using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Vmm.Core.Plugins;

/// <summary>
/// What an assembly file says about itself and what it was built against, read with System.Reflection.Metadata
/// so nothing is loaded: a plugin built against newer shared assemblies must be refused before the runtime
/// binds any of its types (it would otherwise quietly get a private copy of the SDK or the abstractions).
/// </summary>
internal sealed class PluginAssemblyMetadata
{
    private PluginAssemblyMetadata(AssemblyVersionReference identity, IReadOnlyList<AssemblyVersionReference> references)
    {
        Identity = identity;
        References = references;
    }

    public AssemblyVersionReference Identity { get; }

    public IReadOnlyList<AssemblyVersionReference> References { get; }

    /// <summary>Reads <paramref name="path"/>; throws <see cref="BadImageFormatException"/> unless it is a .NET assembly.</summary>
    public static PluginAssemblyMetadata Read(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        if (!pe.HasMetadata)
            throw new BadImageFormatException("the file has no .NET metadata", path);
        var reader = pe.GetMetadataReader();
        if (!reader.IsAssembly)
            throw new BadImageFormatException("the file is a .NET module, not an assembly", path);

        var definition = reader.GetAssemblyDefinition();
        var references = new List<AssemblyVersionReference>(reader.AssemblyReferences.Count);
        foreach (var handle in reader.AssemblyReferences)
        {
            var reference = reader.GetAssemblyReference(handle);
            references.Add(new AssemblyVersionReference(reader.GetString(reference.Name), reference.Version));
        }
        return new PluginAssemblyMetadata(new AssemblyVersionReference(reader.GetString(definition.Name), definition.Version), references);
    }

    /// <summary>Like <see cref="Read"/>, but null for a file that is no .NET assembly (a native library beside the plugin).</summary>
    public static PluginAssemblyMetadata? TryRead(string path)
    {
        try
        {
            return Read(path);
        }
        catch (BadImageFormatException)
        {
            return null;
        }
    }
}
