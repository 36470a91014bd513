using Microsoft.Extensions.Configuration;
using Vmm.Core.Devices;
using Vmm.Core.Hypervisor;
using Vmm.Core.Machine;
using Vmm.Core.Plugins;

namespace Vmm.Core.Tests.Machine.Probe;

/// <summary>A VM with 1 MiB of RAM, a <see cref="ProbeDevice"/> and an assembled image, on any backend, run with a deadline.</summary>
public static class ProbeMachine
{
    public static (Vm Vm, ProbeDevice Probe) Build(IHypervisor hypervisor, AssembledImage image, int vcpus = 1, bool rebootOnReset = true)
    {
        var builder = new VmBuilder(hypervisor, new PluginCatalog([LoadedPlugin.FromType<ProbePlugin>()]))
        {
            MemorySize = 1 << 20,
            VcpuCount = vcpus,
            RebootOnReset = rebootOnReset,
        };
        builder.AddDevice(new DeviceInstanceSpec("probe", "probe", new ConfigurationBuilder().Build()));
        builder.WithBootImage(image);
        var vm = builder.Build();
        return (vm, (ProbeDevice)vm.Devices.Single().Device);
    }

    /// <summary>Runs the VM on a thread; a guest still running after <paramref name="timeout"/> is stopped and fails the test.</summary>
    public static VmExitStatus Run(Vm vm, TimeSpan timeout)
    {
        VmExitStatus? status = null;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                status = vm.Run();
            }
            catch (Exception ex)
            {
                error = ex;
            }
        }) { IsBackground = true, Name = "probe VM" };
        thread.Start();
        if (!thread.Join(timeout))
        {
            var state = string.Join(Environment.NewLine, vm.Vcpus.Select(v => v.Id == 0 ? "" : $"vCPU {v.Id} running"));
            vm.Stop();
            Assert.True(thread.Join(TimeSpan.FromSeconds(10)), "the VM did not stop when asked");
            Assert.Fail($"the guest was still running after {timeout.TotalSeconds} s {state}");
        }
        if (error is not null)
            throw new InvalidOperationException($"Vm.Run threw {error.GetType().Name}: {error.Message}", error);
        return status!;
    }
}
