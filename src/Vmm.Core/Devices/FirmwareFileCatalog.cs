using Microsoft.Extensions.DependencyInjection;
using Vmm.Core.Plugins;
using Vmm.Sdk;

namespace Vmm.Core.Devices;

/// <summary>
/// Gathers the VM's <see cref="FirmwareFile"/>s for the device that asks for <see cref="FirmwareFiles"/>: the
/// builder's own (the host's <c>--fw-cfg</c>), then every plugin's registrations, collected once, on first request,
/// after all plugin containers exist. Remembers whether anyone asked, so files nobody publishes are an error.
/// </summary>
internal sealed class FirmwareFileCatalog(IReadOnlyList<FirmwareFile> fromBuilder)
{
    private IReadOnlyDictionary<LoadedPlugin, ServiceProvider>? _plugins;
    private FirmwareFiles? _files;

    /// <summary>True once a device has asked for the files.</summary>
    public bool Requested => _files is not null;

    public void UsePlugins(IReadOnlyDictionary<LoadedPlugin, ServiceProvider> plugins) => _plugins = plugins;

    public FirmwareFiles Get()
    {
        if (_files is not null)
            return _files;
        var plugins = _plugins ?? throw new InvalidOperationException("firmware files are gathered after every plugin is configured; ask for them in a device constructor");
        var files = new List<FirmwareFile>(fromBuilder);
        foreach (var (plugin, services) in plugins)
        {
            IEnumerable<FirmwareFile> registered;
            try
            {
                registered = services.GetServices<FirmwareFile>().ToList();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                throw new ConfigurationException($"plugin '{plugin.Name}': creating its firmware files threw {ex.GetType().Name}: {ex.Message}", ex);
            }
            foreach (var file in registered)
                files.Add(file.Source is null ? new FirmwareFile(file.Name, file.Contents, $"plugin '{plugin.Name}'") : file);
        }
        return _files = new FirmwareFiles(files);
    }
}
