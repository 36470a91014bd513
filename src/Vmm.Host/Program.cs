using System.CommandLine;
using Vmm.Host;
using Vmm.Host.Commands;
using Vmm.Host.Configuration;

var pluginsOption = new Option<string[]>("--plugins", "-p")
{
    Description = "A plugin folder, or a folder of plugin folders (repeatable). Searched after the plugins folder beside vmm, "
        + $"the folders in {PluginDirectories.PathVariable} (separated by '{Path.PathSeparator}', like PATH) and, for run, the config's \"plugins\".",
    AllowMultipleArgumentsPerToken = true,
};
var noDefaultPluginsOption = new Option<bool>("--no-default-plugins")
{
    Description = $"Leave out the plugins folder beside vmm: only --plugins, {PluginDirectories.PathVariable} and, for run, the config's \"plugins\" are searched.",
};
var pluginPath = Environment.GetEnvironmentVariable(PluginDirectories.PathVariable);
var verboseOption = new Option<bool>("--verbose", "-v") { Description = "Debug logs, and stack traces on errors." };

var configArgument = new Argument<FileInfo?>("config")
{
    Description = "The VM description (vm.json). Without it, vmm runs the built-in demo guest on the default plugin set.",
    Arity = ArgumentArity.ZeroOrOne,
};
var memoryOption = new Option<string?>("--memory", "-m") { Description = "Guest RAM, e.g. 64M or 1G (overrides the config)." };
var cpusOption = new Option<int?>("--cpus") { Description = "vCPU count (overrides the config)." };
var backendOption = new Option<string>("--backend")
{
    Description = "Hypervisor: auto (KVM, else the emulator), kvm or emulator.",
    DefaultValueFactory = _ => "auto",
};
backendOption.AcceptOnlyFromAmong(HypervisorSelector.Names);
var machineOption = new Option<string?>("--machine")
{
    Description = "The machine whose devices come first: pc (the default: COM1 on the console at 0x3f8, the RTC at 0x70, the i8042 at 0x60/0x64, fw_cfg at 0x510) or none. "
        + "A configured device with the name of a machine device (com1) replaces it.",
};
machineOption.AcceptOnlyFromAmong([.. MachinePreset.Names]);
var deviceOption = new Option<string[]>("--device")
{
    Description = "Add a device instance, as QEMU's -device: TYPE[,key=value...], e.g. debug-exit,port=0xf4,width=4 "
        + "(name=/id= names it, console= wires its console; repeatable).",
};
var kernelOption = new Option<string?>("--kernel")
{
    Description = "Boot this kernel, as QEMU's -kernel; the protocol comes from the file (multiboot v1 so far). Replaces the config's kernel.",
};
var cmdlineOption = new Option<string?>("--cmdline", "--append") { Description = "The kernel's command line, as QEMU's -append." };
var initrdOption = new Option<string?>("--initrd")
{
    Description = "Boot modules as QEMU's -initrd lists them for a multiboot kernel: \"FILE args,FILE\" (loaded before --module ones).",
};
var moduleOption = new Option<string[]>("--module") { Description = "A boot module, FILE or \"FILE args\" (repeatable, in order)." };
var fwCfgOption = new Option<string[]>("--fw-cfg")
{
    Description = "Add a file to the fw-cfg device's directory, as QEMU's -fw_cfg: NAME,string=S or NAME,file=F (repeatable).",
};
var traceOption = new Option<bool>("--trace") { Description = "Log every exit (kind, port or address, data, device outcome) to stderr." };
var noRebootOption = new Option<bool>("--no-reboot") { Description = "Stop the VM when the guest resets the machine, instead of booting it again (QEMU's -no-reboot)." };
var statsOption = new Option<bool>("--stats") { Description = "Print exit counts by kind and device when the VM stops (to stderr)." };

var run = new Command("run", "Run a VM. Exit status: the guest's debug-exit code ((v << 1) | 1), 0 when it halts, 1 on a vmm error, 2 on a guest fault.")
{
    configArgument, kernelOption, cmdlineOption, initrdOption, moduleOption, machineOption, deviceOption, fwCfgOption, pluginsOption, noDefaultPluginsOption, memoryOption, cpusOption, backendOption, statsOption,
    traceOption, verboseOption, noRebootOption,
};
run.SetAction(result => RunCommand.Execute(
    new RunOptions(
        result.GetValue(configArgument),
        result.GetValue(pluginsOption) ?? [],
        result.GetValue(memoryOption),
        result.GetValue(cpusOption),
        result.GetValue(backendOption)!,
        result.GetValue(statsOption),
        result.GetValue(verboseOption),
        result.GetValue(traceOption),
        result.GetValue(noDefaultPluginsOption),
        pluginPath)
    {
        Machine = result.GetValue(machineOption),
        Devices = result.GetValue(deviceOption) ?? [],
        FwCfgFiles = result.GetValue(fwCfgOption) ?? [],
        Kernel = result.GetValue(kernelOption),
        CommandLine = result.GetValue(cmdlineOption),
        Initrd = result.GetValue(initrdOption),
        Modules = result.GetValue(moduleOption) ?? [],
        NoReboot = result.GetValue(noRebootOption),
    },
    Console.Error));

var plugins = new Command("plugins", "List the plugins found, their device types, and the types' options with defaults and descriptions.")
{
    pluginsOption, noDefaultPluginsOption,
};
plugins.SetAction(result => PluginsCommand.Execute(
    new PluginSearch
    {
        CommandLine = result.GetValue(pluginsOption) ?? [],
        IncludeDefault = !result.GetValue(noDefaultPluginsOption),
        PluginPath = pluginPath,
    },
    Console.Out, Console.Error));

var root = new RootCommand("vmm: run virtual machines whose devices are plugins.") { run, plugins };
return root.Parse(args).Invoke();
