using Iced.Intel;
using Microsoft.Extensions.Configuration;
using Vmm.Boot;
using Vmm.Core.Devices;
using Vmm.Core.Hypervisor;
using Vmm.Core.Machine;
using Vmm.Core.Plugins;
using Vmm.Host.Tests.Support;
using Vmm.Kvm;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Host.Tests;

/// <summary>
/// A guest on real KVM through the whole framework (builder, plugin devices, pipeline, buses): string
/// output, port input, MMIO writes and reads of several sizes, and an unclaimed port, each checked by
/// what the device saw and what reached the guest's registers.
/// </summary>
public sealed class FrameworkOnKvmTests
{
    private const ulong Load = 0x1000;
    private const ulong Message = 0x2000;
    private const ushort ProbePort = 0x100;
    private const ulong RegisterFile = 0xd000_0000;

    [Fact]
    public async Task A_guest_sees_the_values_devices_return_and_devices_see_what_the_guest_wrote()
    {
        KvmRequirement.RequireOrSkip();
        var a = new Assembler(32);
        a.mov(esi, (uint)Message);
        a.mov(ecx, 5u);
        a.mov(dx, ProbePort);
        a.cld();
        a.rep.outsb();                                          // "Hello" as 5 one-byte accesses
        a.mov(dx, (ushort)(ProbePort + 4));
        a.@in(eax, dx);                                         // 0x44332211 from the probe
        a.mov(ebp, eax);
        a.mov(__dword_ptr[RegisterFile], 0x12345678);           // MMIO write, 4 bytes
        a.mov(__word_ptr[RegisterFile + 0x10], 0xbeef);         // MMIO write, 2 bytes
        a.mov(ebx, __dword_ptr[RegisterFile]);                  // MMIO read, 4 bytes
        a.movzx(ecx, __byte_ptr[RegisterFile + 0x11]);          // MMIO read, 1 byte
        a.movzx(edi, __word_ptr[RegisterFile + 0x10]);          // MMIO read, 2 bytes
        a.mov(dx, (ushort)0x200);
        a.@in(al, dx);                                          // unclaimed: all-ones
        a.movzx(edx, al);
        a.hlt();
        var code = Assemble(a);

        using var hypervisor = new KvmHypervisor();
        var builder = new VmBuilder(hypervisor, new PluginCatalog([LoadedPlugin.FromType<ProbeDevicePlugin>()])) { MemorySize = 1 << 20 };
        builder.AddDevice(new DeviceInstanceSpec("probe-port", "probe", Empty));
        builder.AddDevice(new DeviceInstanceSpec("register-file", "regs", Empty));
        builder.WithBootImage(FlatBinaryImage.FromBytes("probe guest", code, Load, mode: CpuMode.Protected32));
        await using var vm = builder.Build();
        Assert.True(vm.Memory.TryWrite(Message, "Hello"u8));

        var status = vm.Run();

        Assert.Equal(VmStopKind.Halted, status.Kind);
        var probe = (ProbePort)vm.Devices.Single(d => d.Name == "probe").Device;
        Assert.Equal("Hello", string.Concat(probe.Writes.Select(w => (char)w.Data.Single())));
        Assert.All(probe.Writes, w => Assert.Equal(0UL, w.Offset));
        var regs = vm.Vcpus[0].GetRegisters();
        Assert.Equal(0x44332211UL, regs.Rbp & 0xFFFF_FFFF);
        Assert.Equal(0x12345678UL, regs.Rbx & 0xFFFF_FFFF);
        Assert.Equal(0xbeUL, regs.Rcx & 0xFFFF_FFFF);
        Assert.Equal(0xbeefUL, regs.Rdi & 0xFFFF_FFFF);
        Assert.Equal(0xffUL, regs.Rdx & 0xFFFF_FFFF);
        var registerFile = (RegisterFile)vm.Devices.Single(d => d.Name == "regs").Device;
        Assert.Equal([(0UL, 4), (0x10UL, 2), (0UL, 4), (0x11UL, 1), (0x10UL, 2)], registerFile.Accesses);
        Assert.Equal(1, vm.Unclaimed.Count);
    }

    [Fact]
    public async Task A_throwing_device_is_contained_the_read_is_all_ones_and_the_guest_runs_on()
    {
        KvmRequirement.RequireOrSkip();
        var a = new Assembler(16);
        a.mov(dx, (ushort)0x300);
        a.@in(al, dx);                      // the faulty device throws: all-ones
        a.movzx(bx, al);
        a.@out(dx, al);                     // the faulted device is now unclaimed: dropped
        a.mov(dx, ProbePort);
        a.mov(al, (byte)'k');
        a.@out(dx, al);                     // the guest carries on
        a.hlt();

        using var hypervisor = new KvmHypervisor();
        var builder = new VmBuilder(hypervisor, new PluginCatalog([LoadedPlugin.FromType<ProbeDevicePlugin>()])) { MemorySize = 1 << 20 };
        builder.AddDevice(new DeviceInstanceSpec("probe-port", "probe", Empty));
        builder.AddDevice(new DeviceInstanceSpec("faulty", "faulty", Options(("port", "0x300"))));
        builder.WithBootImage(FlatBinaryImage.FromBytes("fault guest", Assemble(a), Load));
        await using var vm = builder.Build();

        var status = vm.Run();

        Assert.Equal(VmStopKind.Halted, status.Kind);
        Assert.Equal(0xffUL, vm.Vcpus[0].GetRegisters().Rbx & 0xffff);
        var faulty = vm.Devices.Single(d => d.Name == "faulty");
        Assert.True(faulty.IsFaulted);
        Assert.Equal("faulty device read", faulty.Fault!.Message);
        var probe = (ProbePort)vm.Devices.Single(d => d.Name == "probe").Device;
        Assert.Equal((byte)'k', Assert.Single(probe.Writes).Data.Single());
    }

    [Fact]
    public async Task Stop_from_another_thread_ends_a_spinning_guest()
    {
        KvmRequirement.RequireOrSkip();
        var a = new Assembler(16);
        var spin = a.CreateLabel();
        a.Label(ref spin);
        a.jmp(spin);

        using var hypervisor = new KvmHypervisor();
        var builder = new VmBuilder(hypervisor, new PluginCatalog([])) { MemorySize = 1 << 20 };
        builder.WithBootImage(FlatBinaryImage.FromBytes("spin", Assemble(a), Load));
        await using var vm = builder.Build();

        var running = Task.Factory.StartNew(vm.Run, TaskCreationOptions.LongRunning);
        await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.False(running.IsCompleted);
        vm.Stop();
        var status = await running.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(VmStopKind.Stopped, status.Kind);
        Assert.Equal(VmExitStatus.Success, status.ExitCode);
    }

    private static IConfiguration Options(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private static readonly IConfiguration Empty = new ConfigurationBuilder().Build();

    private static byte[] Assemble(Assembler assembler)
    {
        using var stream = new MemoryStream();
        assembler.Assemble(new StreamCodeWriter(stream), Load);
        return stream.ToArray();
    }
}
