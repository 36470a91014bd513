using System.Runtime.CompilerServices;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Emulation.Tests.Differential.Harness;

/// <summary>
/// How a guest makes what it computed visible: each report site is an <c>out</c> to a port of its own
/// (<see cref="GuestLayout.ValuePortBase"/> + n for a value, <see cref="GuestLayout.FlagsPortBase"/> + n for
/// the flags), so a difference shows up in the exit trace and its port names the site. A report keeps
/// every register and flag as it was (it saves and restores them on the stack) and leaves no RFLAGS image
/// in RAM.
/// </summary>
internal static class ReportExtensions
{
    private static readonly ConditionalWeakTable<Assembler, ReportSites> s_sites = [];

    /// <summary>Makes <paramref name="assembler"/> number its reports with <paramref name="sites"/>.</summary>
    public static void UseSites(this Assembler assembler, ReportSites sites) => s_sites.Add(assembler, sites);

    /// <summary>Outputs RFLAGS' CF PF AF ZF SF OF DF, minus <paramref name="undefined"/>, as a dword.</summary>
    public static void OutFlags(this Assembler a, ulong undefined = 0)
    {
        uint mask = (uint)(GuestProgram.ComparedFlags & ~undefined);
        ushort port = Sites(a).Next(GuestLayout.FlagsPortBase);
        if (a.Bitness == 64)
        {
            a.push(rax);
            a.push(rdx);
            a.pushfq();
            a.pushfq();
            a.pop(rax);
        }
        else
        {
            a.push(eax);
            a.push(edx);
            a.pushfd();
            a.pushfd();
            a.pop(eax);
        }

        a.and(eax, mask);
        a.mov(dx, port);
        a.@out(dx, eax);
        Restore(a);
    }

    public static void OutValue(this Assembler a, AssemblerRegister8 register) => Out(a, () => a.movzx(eax, register));

    public static void OutValue(this Assembler a, AssemblerRegister16 register) =>
        Out(a, () =>
        {
            if (register == sp)
            {
                a.lea(eax, __[esp + SavedBytes(a)]);
                a.movzx(eax, ax);
            }
            else
            {
                a.movzx(eax, register);
            }
        });

    public static void OutValue(this Assembler a, AssemblerRegister32 register) =>
        Out(a, () =>
        {
            if (register == esp)
                a.lea(eax, __[esp + SavedBytes(a)]);
            else
                a.mov(eax, register);
        });

    /// <summary>Outputs a 64-bit register as two dwords to the same port, low half first.</summary>
    public static void OutValue(this Assembler a, AssemblerRegister64 register) =>
        Out(a, () =>
        {
            if (register == rsp)
                a.lea(rax, __[rsp + SavedBytes(a)]);
            else
                a.mov(rax, register);
        }, high: true);

    /// <summary>Outputs a selector (CS, SS, ...), zero-extended to a dword.</summary>
    public static void OutValue(this Assembler a, AssemblerRegisterSegment register) =>
        Out(a, () =>
        {
            a.mov(eax, 0);
            a.mov(ax, register);
        });

    /// <summary>
    /// Outputs the dword at <paramref name="memory"/> (a dword operand: <c>__dword_ptr[...]</c>); not relative
    /// to the stack pointer, which the report moves.
    /// </summary>
    public static void OutValue(this Assembler a, AssemblerMemoryOperand memory) => Out(a, () => a.mov(eax, memory));

    private static void Out(Assembler a, Action load, bool high = false)
    {
        ushort port = Sites(a).Next(GuestLayout.ValuePortBase);
        if (a.Bitness == 64)
        {
            a.push(rax);
            a.push(rdx);
            a.pushfq();
        }
        else
        {
            a.push(eax);
            a.push(edx);
            a.pushfd();
        }

        load();
        a.mov(dx, port);
        a.@out(dx, eax);
        if (high)
        {
            a.shr(rax, 32);
            a.@out(dx, eax);
        }

        Restore(a);
    }

    /// <summary>What a report pushes before it reads the register: RAX, RDX and RFLAGS.</summary>
    private static int SavedBytes(Assembler a) => a.Bitness == 64 ? 24 : 12;

    /// <summary>
    /// Pops what the report pushed, then overwrites the RFLAGS images it left below the stack pointer with RAX:
    /// they hold flags the guest's last instruction may have left undefined, and low RAM is compared. LEA
    /// moves the stack pointer without touching the flags; in 16-bit code it writes SP only, so it wraps at
    /// 64 KiB like the pushes do.
    /// </summary>
    private static void Restore(Assembler a)
    {
        switch (a.Bitness)
        {
            case 64:
                a.popfq();
                a.pop(rdx);
                a.pop(rax);
                a.lea(rsp, __[rsp - 16]);
                a.push(rax);
                a.push(rax);
                a.lea(rsp, __[rsp + 32]);
                break;
            case 32:
                a.popfd();
                a.pop(edx);
                a.pop(eax);
                a.lea(esp, __[esp - 8]);
                a.push(eax);
                a.push(eax);
                a.lea(esp, __[esp + 16]);
                break;
            default:
                a.popfd();
                a.pop(edx);
                a.pop(eax);
                a.lea(sp, __[esp - 8]);
                a.push(eax);
                a.push(eax);
                a.lea(sp, __[esp + 16]);
                break;
        }
    }

    private static ReportSites Sites(Assembler a) =>
        s_sites.TryGetValue(a, out var sites) ? sites : throw new InvalidOperationException("assemble guests with GuestImage, which numbers their reports");
}
