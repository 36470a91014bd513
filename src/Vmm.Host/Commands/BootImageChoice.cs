using Vmm.Boot;
using Vmm.Core;
using Vmm.Core.Machine;
using Vmm.Host.Configuration;
using Vmm.Host.Demo;

namespace Vmm.Host.Commands;

/// <summary>
/// What <c>vmm run</c> boots: <c>--kernel</c> (or the config's <c>"kernel"</c>), the config's flat
/// <c>"image"</c>, or the demo guest. A kernel and an image together, or kernel arguments without a kernel,
/// are one clear error.
/// </summary>
public static class BootImageChoice
{
    public static IBootImage Choose(RunOptions options, VmConfig config, string source, string? configDirectory)
    {
        var commandLineModules = ModulesFromCommandLine(options);
        if (config.Image is not null && config.Kernel is not null)
            throw new ConfigurationException($"{source}: \"image\" and \"kernel\" are mutually exclusive; keep one");
        if (options.Kernel is not null)
        {
            if (config.Image is not null)
                throw new ConfigurationException($"--kernel and the \"image\" in {source} are mutually exclusive; drop one");
            // The command line's kernel replaces the config's, with its own arguments and modules.
            return KernelImage.FromFile(options.Kernel, options.CommandLine, commandLineModules, Environment.CurrentDirectory);
        }
        if (config.Kernel is { } kernel)
        {
            if (string.IsNullOrWhiteSpace(kernel.Path))
                throw new ConfigurationException($"{source}: kernel: missing \"path\"");
            var directory = configDirectory ?? Environment.CurrentDirectory;
            // Flags override the config's settings as --memory does; modules from flags resolve against the working directory.
            return commandLineModules.Count > 0
                ? KernelImage.FromFile(kernel.Path, options.CommandLine ?? kernel.Cmdline, commandLineModules, directory, Environment.CurrentDirectory)
                : KernelImage.FromFile(kernel.Path, options.CommandLine ?? kernel.Cmdline, kernel.Modules, directory);
        }
        if (options.CommandLine is not null || commandLineModules.Count > 0)
        {
            var flag = options.CommandLine is not null ? "--cmdline" : options.Initrd is not null ? "--initrd" : "--module";
            throw new ConfigurationException($"{flag} needs a kernel: give --kernel FILE or a \"kernel\" in the config");
        }
        if (config.Image is { } image)
            return FlatBinaryImage.FromFile(Path.GetFullPath(image.Path, configDirectory ?? Environment.CurrentDirectory), image.Address, image.Entry, image.Mode);
        return FlatBinaryImage.FromBytes("demo guest", DemoGuest.Assemble(), DemoGuest.LoadAddress);
    }

    private static List<string> ModulesFromCommandLine(RunOptions options)
    {
        var modules = new List<string>();
        if (options.Initrd is not null)
            modules.AddRange(options.Initrd.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        modules.AddRange(options.Modules);
        return modules;
    }
}
