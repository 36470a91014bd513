using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Kvm.Tests.Guests;

/// <summary>Guest code for the 8259A pair and the 8254 PIT, as a BIOS or kernel programs them (Intel 8259A and 8254 data sheets).</summary>
internal static class LegacyPic
{
    public const ushort MasterCommand = 0x20, MasterData = 0x21, SlaveCommand = 0xA0, SlaveData = 0xA1;

    /// <summary>The edge/level control registers of the PC's PIIX (port 0x4D0 for IRQ 0-7, 0x4D1 for 8-15).</summary>
    public const ushort ElcrMaster = 0x4D0;

    public const ushort PitChannel0 = 0x40, PitCommand = 0x43;

    /// <summary>Vector of IRQ 0 after <see cref="Initialize"/>; IRQ n is this plus n.</summary>
    public const byte MasterBase = 0x20;

    public const byte SlaveBase = 0x28;

    /// <summary>ICW1-ICW4 on both chips (vectors 0x20 and 0x28, slave on IRQ 2, 8086 mode), then the masks: <paramref name="masterMask"/> on the master (a clear bit lets that IRQ through), all of the slave masked.</summary>
    public static void Initialize(Assembler a, byte masterMask)
    {
        Out(a, MasterCommand, 0x11);   // ICW1: edge, cascade, ICW4 follows
        Out(a, MasterData, MasterBase); // ICW2: vector base
        Out(a, MasterData, 0x04);      // ICW3: slave on IRQ 2
        Out(a, MasterData, 0x01);      // ICW4: 8086 mode, normal EOI
        Out(a, SlaveCommand, 0x11);
        Out(a, SlaveData, SlaveBase);
        Out(a, SlaveData, 0x02);       // ICW3: cascade identity 2
        Out(a, SlaveData, 0x01);
        Out(a, MasterData, masterMask); // OCW1
        Out(a, SlaveData, 0xFF);
    }

    /// <summary>Channel 0, lobyte/hibyte, mode 2 (rate generator), binary, with <paramref name="divisor"/> (1.193182 MHz / divisor per second).</summary>
    public static void StartTimer(Assembler a, ushort divisor)
    {
        Out(a, PitCommand, 0x34);
        Out(a, PitChannel0, (byte)divisor);
        Out(a, PitChannel0, (byte)(divisor >> 8));
    }

    /// <summary>Non-specific EOI to the master (OCW2).</summary>
    public static void EndOfInterrupt(Assembler a) => Out(a, MasterCommand, 0x20);

    /// <summary>
    /// Where <see cref="HandlerFirst"/> puts the handler: after the 2-byte short JMP at the start of a
    /// <see cref="TestGuest"/> program (CS is 0 there, so this is also its IP).
    /// </summary>
    public const ushort HandlerAddress = (ushort)TestGuest.CodeAddress + 2;

    /// <summary>
    /// Starts a real-mode program with <c>jmp main</c>, the interrupt handler, then <c>main:</c>, so the handler has a
    /// known address for the IVT (Iced cannot take a label's address as an immediate in 16-bit code).
    /// </summary>
    public static void HandlerFirst(Assembler a, Action<Assembler> handler)
    {
        var main = a.CreateLabel();
        a.jmp(main);
        handler(a);
        a.Label(ref main);
    }

    /// <summary>Points the real-mode IVT entry of <paramref name="vector"/> at 0000:<see cref="HandlerAddress"/>: DS must be 0.</summary>
    public static void SetVector(Assembler a, byte vector)
    {
        a.mov(__word_ptr[vector * 4], HandlerAddress);
        a.mov(__word_ptr[vector * 4 + 2], 0);
    }

    public static void Out(Assembler a, ushort port, byte value)
    {
        a.mov(al, value);
        if (port <= 0xFF)
        {
            a.@out((byte)port, al);
        }
        else
        {
            a.mov(dx, port);
            a.@out(dx, al);
        }
    }
}
