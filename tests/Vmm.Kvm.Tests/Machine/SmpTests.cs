using Iced.Intel;
using Vmm.Core.Hypervisor;
using Vmm.Core.Machine;
using Vmm.Core.Tests.Machine.Probe;
using Vmm.Kvm.Tests.Guests;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Kvm.Tests.Machine;

/// <summary>
/// Two vCPUs on KVM's in-kernel local APICs: the BSP starts the AP with INIT, SIPI, SIPI through the ICR (Intel SDM
/// Vol. 3A 10.6.1; MP spec B.4), the AP runs a real-mode trampoline, and either one can stop the whole VM.
/// </summary>
public sealed class SmpTests(ITestOutputHelper output)
{
    private const uint ApicBase = 0xFEE0_0000;
    private const uint SpuriousVector = ApicBase + 0xF0, IcrLow = ApicBase + 0x300, IcrHigh = ApicBase + 0x310;
    private const uint Init = 0x4500, StartupToPage2 = 0x4602;   // delivery mode, level assert, vector
    private const ulong TrampolineAddress = 0x2000;              // SIPI vector 2: the AP starts at 0200:0000
    private const uint ApCounter = 0x500;
    private const byte InitSent = 0xB1, StartupSent = 0xB2, ApRecordBase = 0xA0;
    private const byte BspExitCode = 0x11, ApExitCode = 0x22;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_bsp_starts_the_ap_with_init_sipi_sipi_and_sees_it_count()
    {
        var (vm, probe) = Build(apExits: false);
        await using var _ = vm;

        var status = ProbeMachine.Run(vm, s_timeout);

        Assert.Equal(new VmExitStatus(VmStopKind.DeviceRequested, BspExitCode), status);
        var records = probe.Records.ToArray();
        var ap = Assert.Single(records, r => r.VcpuId == 1);
        Assert.Equal(ApRecordBase | 1, ap.Value);   // the AP read its own APIC id (1) from CPUID
        Assert.Equal([InitSent, StartupSent], records.Where(r => r.VcpuId == 0).Select(r => r.Value));
        var sipi = records.Single(r => r.Value == StartupSent);
        output.WriteLine($"SIPI to the AP's first port write: {(ap.At - sipi.At).TotalMicroseconds:F0} µs");
    }

    [Fact]
    public async Task A_stop_requested_by_the_ap_stops_the_spinning_bsp_too()
    {
        var (vm, probe) = Build(apExits: true);
        await using var _ = vm;

        var status = ProbeMachine.Run(vm, s_timeout);

        Assert.Equal(new VmExitStatus(VmStopKind.DeviceRequested, ApExitCode), status);
        Assert.Contains(probe.Records, r => r.VcpuId == 1);
    }

    private static (Vm, ProbeDevice) Build(bool apExits)
    {
        KvmRequirement.SkipUnlessAvailable();
        var image = new AssembledImage(Bsp(waitForAp: !apExits), 0x1000, CpuMode.Protected32, (TrampolineAddress, Ap(apExits)));
        var hypervisor = new KvmHypervisor { InKernelIrqchip = true };
        return ProbeMachine.Build(hypervisor, image, vcpus: 2);
    }

    /// <summary>32-bit flat code: enable the local APIC, INIT then two SIPIs to APIC id 1, then wait for the AP's count (or spin).</summary>
    private static Assembler Bsp(bool waitForAp)
    {
        var a = new Assembler(32);
        var forever = a.CreateLabel();
        var wait = a.CreateLabel();
        a.mov(__dword_ptr[SpuriousVector], 0x1FF);   // APIC software enable, spurious vector 0xFF
        SendIpi(a, Init);
        Record(a, InitSent);
        Delay(a);
        SendIpi(a, StartupToPage2);
        Record(a, StartupSent);
        Delay(a);
        SendIpi(a, StartupToPage2);                   // the second SIPI of the MP spec; a started AP ignores it
        if (waitForAp)
        {
            a.Label(ref wait);
            a.pause();
            a.cmp(__dword_ptr[ApCounter], 0);
            a.je(wait);
            a.mov(al, BspExitCode);
            a.@out(ProbeDevice.ExitPort, al);
        }
        a.Label(ref forever);
        a.jmp(forever);
        return a;
    }

    /// <summary>The AP's real-mode trampoline: record its APIC id (CPUID.1:EBX[31:24]), count, then halt or stop the VM.</summary>
    private static Assembler Ap(bool exits)
    {
        var a = new Assembler(16);
        var halt = a.CreateLabel();
        a.xor(ax, ax);
        a.mov(ds, ax);
        a.mov(eax, 1);
        a.cpuid();
        a.shr(ebx, 24);
        a.mov(al, bl);
        a.or(al, ApRecordBase);
        a.@out(ProbeDevice.RecordPort, al);
        a.@lock.inc(__dword_ptr[ApCounter]);
        if (exits)
        {
            a.mov(al, ApExitCode);
            a.@out(ProbeDevice.ExitPort, al);
        }
        a.cli();
        a.Label(ref halt);
        a.hlt();
        a.jmp(halt);
        return a;
    }

    private static void SendIpi(Assembler a, uint command)
    {
        a.mov(__dword_ptr[IcrHigh], 1u << 24);   // destination: APIC id 1
        a.mov(__dword_ptr[IcrLow], command);
    }

    private static void Record(Assembler a, byte value)
    {
        a.mov(al, value);
        a.@out(ProbeDevice.RecordPort, al);
    }

    // The MP spec's 10 ms and 200 µs waits matter to real APs; KVM's take effect at once, so a short loop will do.
    private static void Delay(Assembler a)
    {
        var loop = a.CreateLabel();
        a.mov(ecx, 200);
        a.Label(ref loop);
        a.dec(ecx);
        a.jnz(loop);
    }
}
