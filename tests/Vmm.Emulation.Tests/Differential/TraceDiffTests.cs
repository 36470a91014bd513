using Vmm.Core.Hypervisor;
using Vmm.Emulation.Tests.Differential.Harness;
using Vmm.Sdk;

namespace Vmm.Emulation.Tests.Differential;

/// <summary>The trace comparison itself, on made-up traces: it must see each kind of difference and say where.</summary>
public sealed class TraceDiffTests
{
    private static readonly GuestProgram s_program = new("made_up", CpuMode.Real, _ => { });

    [Fact]
    public void Equal_traces_have_no_difference()
    {
        Assert.Null(TraceDiff.Describe(s_program, Trace("kvm"), Trace("emulator")));
    }

    [Fact]
    public void A_differing_exit_is_named_with_its_index_both_versions_and_the_exits_before_it()
    {
        var changed = Trace("emulator") with { Exits = [Out(0x1001, 1), Out(0x2002, 0x40), Halt()] };

        string? difference = TraceDiff.Describe(s_program, Trace("kvm"), changed);

        Assert.NotNull(difference);
        Assert.Contains("exits differ at #1", difference);
        Assert.Contains("#0 both: IoOut port 0x1001 (value report #1)", difference);
        Assert.Contains("#1 kvm: IoOut port 0x2002 (flags report #2: CF ZF)", difference);
        Assert.Contains("#1 emulator: IoOut port 0x2002 (flags report #2: ZF)", difference);
    }

    [Fact]
    public void Regrouped_string_io_is_called_out()
    {
        var batched = Trace("kvm") with { Exits = [In(0x60, 1, 0x01, 0x02), Halt()] };
        var split = Trace("emulator") with { Exits = [In(0x60, 1, 0x01), In(0x60, 1, 0x02), Halt()] };

        string? difference = TraceDiff.Describe(s_program, batched, split);

        Assert.NotNull(difference);
        Assert.Contains("only the grouping of string I/O into exits differs", difference);
    }

    [Fact]
    public void Registers_rip_flags_and_ram_differences_are_each_named()
    {
        var expected = Trace("kvm");
        var registers = expected.Registers;
        registers.Rbx ^= 0x10;
        registers.Rip += 1;
        registers.Rflags ^= Flags.OF;
        byte[] ram = [.. expected.Ram];
        ram[0x4002] = 0xAA;

        string? difference = TraceDiff.Describe(s_program, expected, expected with { Backend = "emulator", Registers = registers, Ram = ram });

        Assert.NotNull(difference);
        Assert.Contains("rbx: kvm 0x0000000000000002, emulator 0x0000000000000012", difference);
        Assert.Contains("rip:", difference);
        Assert.Contains("differing: OF", difference);
        Assert.Contains("RAM differs at 0x4002-0x4002", difference);
        Assert.DoesNotContain("rcx", difference);
    }

    [Fact]
    public void Flags_left_undefined_by_the_last_instruction_are_not_compared()
    {
        var program = new GuestProgram("made_up", CpuMode.Real, _ => { }) { UndefinedFinalFlags = Flags.AF };
        var expected = Trace("kvm");
        var registers = expected.Registers;
        registers.Rflags ^= Flags.AF;

        Assert.Null(TraceDiff.Describe(program, expected, expected with { Registers = registers }));
    }

    private static GuestTrace Trace(string backend) => new(
        backend,
        new VcpuRunResult(VcpuStopReason.Halted),
        [Out(0x1001, 1), Out(0x2002, 0x41), Halt()],
        new VcpuRegisters { Rbx = 2, Rip = 0x1010, Rflags = 0x2 | Flags.ZF },
        new byte[GuestLayout.ComparedRamEnd]);

    private static RecordedExit Out(ulong port, uint value) => new(ExitKind.IoOut, port, 4, 1, BitConverter.GetBytes(value));

    private static RecordedExit In(ulong port, int size, params byte[] data) => new(ExitKind.IoIn, port, size, data.Length / size, data);

    private static RecordedExit Halt() => new(ExitKind.Halt, 0, 0, 0, []);
}
