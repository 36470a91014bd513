using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Vmm.Core;
using Vmm.Core.Devices;
using Vmm.Core.Machine;
using Vmm.Host.Configuration;
using Vmm.Host.Demo;

namespace Vmm.Host.Commands;

/// <summary>
/// <c>vmm run [vm.json]</c>: builds the VM from the config (or the built-in demo), runs it, and returns
/// the process exit code (see <see cref="ExitCodes"/>).
/// </summary>
public static class RunCommand
{
    public static int Execute(RunOptions options, TextWriter error)
    {
        using var loggerFactory = HostLogging.Create(options.Verbose, options.Trace);
        try
        {
            var configDirectory = options.Config?.DirectoryName;
            // Without a config, --kernel boots on the default machine; nothing at all runs the demo.
            var config = options.Config is not null ? VmConfigLoader.Load(options.Config.ToString())
                : options.Kernel is not null ? new VmConfig()
                : DemoConfig();
            var source = options.Config?.ToString() ?? (options.Kernel is not null ? "command line" : "demo");

            var catalog = PluginDirectories.LoadCatalog(new PluginSearch
            {
                CommandLine = options.PluginDirectories,
                IncludeDefault = !options.NoDefaultPlugins,
                PluginPath = options.PluginPath,
                Config = config.Plugins,
                ConfigFile = options.Config?.ToString(),
            });
            var hypervisor = HypervisorSelector.Select(options.Backend, error);
            using var hypervisorLifetime = hypervisor as IDisposable;

            var builder = new VmBuilder(hypervisor, catalog)
            {
                MemorySize = ByteSize.Parse(options.Memory ?? config.Memory, options.Memory is null ? $"{source}: memory" : "--memory"),
                VcpuCount = options.Cpus ?? config.Cpus,
                LoggerFactory = loggerFactory,
                TraceExits = options.Trace,
                RebootOnReset = !options.NoReboot,
            };
            var devices = MachinePreset.Compose(
                options.Machine ?? config.Machine ?? MachinePreset.Pc,
                config.Devices.Concat(options.Devices.Select(DeviceArgument.Parse)));
            var standardInputTaken = false;
            foreach (var device in devices)
            {
                var where = device.Source ?? source;
                builder.AddDevice(new DeviceInstanceSpec(device.Type, device.Name ?? device.Type, device.OptionsSection ?? EmptyOptions)
                {
                    Output = ConsoleTarget.OpenOutput(device.Console, configDirectory, where),
                    Input = ConsoleTarget.OpenInput(device.Console, ref standardInputTaken),
                    Source = where,
                });
            }
            foreach (var file in FwCfgArgument.ParseAll(options.FwCfgFiles))
                builder.AddFirmwareFile(file);
            builder.WithBootImage(BootImageChoice.Choose(options, config, source, configDirectory));

            var vm = builder.Build();
            VmExitStatus status;
            ConsoleCancelEventHandler stopOnCtrlC = (_, e) => { e.Cancel = true; vm.Stop(); };
            Console.CancelKeyPress += stopOnCtrlC;
            try
            {
                status = vm.Run();
            }
            finally
            {
                Console.CancelKeyPress -= stopOnCtrlC;
                if (options.Stats)
                    StatsReport.Write(vm, error);
                vm.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            if (status.Kind is VmStopKind.Shutdown or VmStopKind.Fatal)
                error.WriteLine($"vmm: guest fault ({status.Kind}): {status.Detail}");
            return status.ExitCode;
        }
        catch (VmmException ex)
        {
            error.WriteLine(options.Verbose ? $"vmm: {ex}" : $"vmm: {ex.Message}");
            return ExitCodes.Error;
        }
    }

    private static readonly IConfiguration EmptyOptions = new ConfigurationBuilder().Build();

    /// <summary>The demo guest on the pc machine (COM1 on stdout) and a debug-exit port.</summary>
    private static VmConfig DemoConfig() => new()
    {
        Memory = "16M",
        Devices =
        [
            new DeviceConfig
            {
                Type = "debug-exit", Name = "debug-exit", Source = "demo: debug-exit",
                OptionsSection = DeviceConfig.OptionsFrom(("port", $"0x{DemoGuest.DebugExitPort:x}")),
            },
        ],
    };
}
