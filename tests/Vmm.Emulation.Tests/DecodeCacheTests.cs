using Iced.Intel;
using Vmm.Core.Hypervisor;
using Vmm.Emulation.Tests.Support;
using Vmm.Sdk;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Emulation.Tests;

/// <summary>
/// Decoded instructions are cached, and never stale: not after the guest rewrites its own code, not after
/// a device or a test writes guest memory during an exit or between runs.
/// </summary>
public sealed class DecodeCacheTests
{
    [Fact]
    public void A_store_to_the_next_instruction_of_the_running_block_is_seen()
    {
        // mov byte [0x100c],0x77  (patches the immediate of the mov al below, in the same block)
        // nop; nop; nop
        // mov al,0x11             (at 0x100b: b0 11)
        // hlt
        byte[] code = [0xC6, 0x06, 0x0C, 0x10, 0x77, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0xB0, 0x11, 0xF4];
        using EmulatedGuest guest = EmulatedGuest.StartBytes(CpuMode.Real, code);

        guest.RunToHalt();

        Assert.Equal(0x77ul, guest.Registers.Rax & 0xFF);
    }

    [Fact]
    public void A_store_to_code_that_already_ran_is_seen_the_next_time_it_runs()
    {
        byte[] caller =
        [
            0xE8, 0x3B, 0x00, 0x00, 0x00,               // call 0x1040
            0x89, 0xC3,                                 // mov ebx,eax
            0xC6, 0x05, 0x42, 0x10, 0x00, 0x00, 0x05,   // mov byte [0x1042],5: add eax,1 becomes add eax,5
            0xE8, 0x2D, 0x00, 0x00, 0x00,               // call 0x1040
            0xF4,                                       // hlt
        ];
        using EmulatedGuest guest = EmulatedGuest.StartBytes(CpuMode.Protected32, caller,
            g => new byte[] { 0x83, 0xC0, 0x01, 0xC3 }.CopyTo(g.Memory(0x1040, 4)));   // at 0x1040: add eax,1; ret

        guest.RunToHalt();

        Assert.Equal(1ul, guest.Registers.Rbx);
        Assert.Equal(6ul, guest.Registers.Rax);
    }

    [Fact]
    public void Code_rewritten_between_runs_from_outside_is_seen()
    {
        using EmulatedGuest guest = EmulatedGuest.StartBytes(CpuMode.Real, [0xB0, 0x11, 0xF4]);   // mov al,0x11; hlt
        guest.RunToHalt();

        guest.Memory(0x1001, 1)[0] = 0x22;                                // mov al,0x22
        VcpuRegisters registers = guest.Registers;
        registers.Rip = EmulatedGuest.CodeAddress;
        guest.Vcpu.SetRegisters(registers);
        guest.RunToHalt();

        Assert.Equal(0x22ul, guest.Registers.Rax & 0xFF);
    }

    [Fact]
    public void Code_a_device_writes_during_an_exit_is_seen_right_after_it()
    {
        // out 0x80,al; mov al,0x11; hlt — the device answering the OUT rewrites the mov's immediate (DMA).
        using EmulatedGuest guest = EmulatedGuest.StartBytes(CpuMode.Real, [0xE6, 0x80, 0xB0, 0x11, 0xF4]);
        Span<byte> immediate = guest.Memory(0x1003, 1);
        unsafe
        {
            fixed (byte* address = immediate)
            {
                nint pointer = (nint)address;
                guest.RunToHalt((ref ExitContext exit) =>
                {
                    if (exit.Kind == ExitKind.IoOut)
                        *(byte*)pointer = 0x33;
                });
            }
        }

        Assert.Equal(0x33ul, guest.Registers.Rax & 0xFF);
    }

    [Fact]
    public void Rep_movsb_copying_code_over_what_runs_next_is_seen()
    {
        // A loader relocating code: copy "mov al,0x44; hlt" over the nops right after the copy, then run on into it.
        byte[] program =
        [
            0xFC,                         // cld
            0xBE, 0x00, 0x30,             // mov si,0x3000
            0xBF, 0x0E, 0x10,             // mov di,0x100e
            0xB9, 0x03, 0x00,             // mov cx,3
            0xF3, 0xA4,                   // rep movsb
            0x90, 0x90,                   // nop; nop
            0x90, 0x90, 0x90, 0xF4,       // at 0x100e: nop; nop; nop; hlt (overwritten)
        ];
        using EmulatedGuest guest = EmulatedGuest.StartBytes(CpuMode.Real, program,
            g => new byte[] { 0xB0, 0x44, 0xF4 }.CopyTo(g.Memory(0x3000, 3)));

        guest.RunToHalt();

        Assert.Equal(0x44ul, guest.Registers.Rax & 0xFF);
        Assert.Equal(0x1011ul, guest.Registers.Rip);
    }

    [Fact]
    public void A_tight_loop_runs_from_the_cache()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Protected32, a =>
        {
            Label top = a.CreateLabel();
            a.mov(edx, 100_000);
            a.Label(ref top);
            a.add(eax, ebx);
            a.dec(edx);
            a.jnz(top);
            a.hlt();
        });

        guest.RunToHalt();

        Assert.True(guest.Vcpu.Interpreter.BlocksDecoded < 10, $"{guest.Vcpu.Interpreter.BlocksDecoded} blocks decoded");
        Assert.Equal(1 + 3 * 100_000 + 1, guest.Vcpu.InstructionsRetired);
    }
}
