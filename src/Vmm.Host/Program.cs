using System.CommandLine;
using Vmm.Host;
using Vmm.Host.Commands;

var pluginsOption = new Option<string[]>("--plugins", "-p")
{
    Description = "A plugin folder, or a folder of plugin folders (repeatable). Default: the plugins folder beside vmm.",
    AllowMultipleArgumentsPerToken = true,
};
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
var traceOption = new Option<bool>("--trace") { Description = "Log every exit (kind, port or address, data, device outcome) to stderr." };
var statsOption = new Option<bool>("--stats") { Description = "Print exit counts by kind and device when the VM stops (to stderr)." };

var run = new Command("run", "Run a VM. Exit status: the guest's debug-exit code ((v << 1) | 1), 0 when it halts, 1 on a vmm error, 2 on a guest fault.")
{
    configArgument, pluginsOption, memoryOption, cpusOption, backendOption, statsOption, traceOption, verboseOption,
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
        result.GetValue(traceOption)),
    Console.Error));

var plugins = new Command("plugins", "List the device types the plugins offer, with their options and defaults.") { pluginsOption };
plugins.SetAction(result => PluginsCommand.Execute(result.GetValue(pluginsOption) ?? [], Console.Out, Console.Error));

var root = new RootCommand("vmm: run virtual machines whose devices are plugins.") { run, plugins };
return root.Parse(args).Invoke();
