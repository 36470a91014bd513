using Microsoft.Extensions.Configuration;
using Vmm.Core;

namespace Vmm.Host.Configuration;

/// <summary>Reads <c>vm.json</c> through Microsoft.Extensions.Configuration; every error names the file and the entry.</summary>
public static class VmConfigLoader
{
    public static VmConfig Load(string path)
    {
        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
            throw new ConfigurationException($"{path}: no such file");
        IConfigurationRoot root;
        try
        {
            root = new ConfigurationBuilder().AddJsonFile(fullPath, optional: false, reloadOnChange: false).Build();
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or IOException)
        {
            // The JSON reader's own message carries the line and column; the provider's wrapper does not.
            var cause = ex;
            while (cause.InnerException is not null)
                cause = cause.InnerException;
            throw new ConfigurationException($"{path}: {cause.Message}", ex);
        }
        return Bind(root, path);
    }

    public static VmConfig Bind(IConfiguration root, string source)
    {
        var config = new VmConfig();
        try
        {
            // Devices are read by hand below: their options are bound later onto each type's own class.
            config.Memory = root["memory"] ?? config.Memory;
            config.Cpus = root.GetValue("cpus", config.Cpus);
            config.Machine = root["machine"];
            root.GetSection("plugins").Bind(config.Plugins);
            var image = root.GetSection("image");
            if (image.Exists())
            {
                config.Image = new ImageConfig();
                image.Bind(config.Image, o => o.ErrorOnUnknownConfiguration = true);
            }
            var kernel = root.GetSection("kernel");
            if (kernel.Exists())
            {
                config.Kernel = new KernelConfig();
                kernel.Bind(config.Kernel, o => o.ErrorOnUnknownConfiguration = true);
            }
        }
        catch (InvalidOperationException ex)
        {
            throw ConfigurationException.FromBinderError(source, ex);
        }

        var known = new[] { "machine", "memory", "cpus", "plugins", "devices", "image", "kernel" };
        foreach (var child in root.GetChildren())
        {
            if (!known.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
                throw new ConfigurationException($"{source}: unknown setting \"{child.Key}\"; known: {string.Join(", ", known)}");
        }

        var index = 0;
        foreach (var section in root.GetSection("devices").GetChildren())
        {
            var where = $"{source}: devices[{index++}]";
            var device = new DeviceConfig
            {
                Type = section["type"] ?? throw new ConfigurationException($"{where}: missing \"type\""),
                Name = section["name"],
                Console = section["console"],
                OptionsSection = section.GetSection("options"),
                Source = where,
            };
            foreach (var key in section.GetChildren())
            {
                if (key.Key.ToLowerInvariant() is not ("type" or "name" or "console" or "options"))
                    throw new ConfigurationException($"{where}: unknown setting \"{key.Key}\"; device options go inside \"options\"");
            }
            config.Devices.Add(device);
        }
        return config;
    }
}
