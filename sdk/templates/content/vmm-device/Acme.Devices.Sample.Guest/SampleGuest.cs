using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace Acme.Devices.Sample.Guest;

/// <summary>
/// The example guest, assembled with Iced: it rings the device's doorbell <see cref="Doorbells"/> times, reads STATUS
/// (acknowledging the interrupt) and COUNTER, prints <c>counter=3</c> on COM1 as a polled driver does, and writes the
/// counter to the debug-exit port, so <c>dotnet vmm run vm.json</c> exits with <c>(3 &lt;&lt; 1) | 1 = 7</c>.
/// </summary>
/// <remarks>
#if (IsMmio)
/// 32-bit protected-mode code (flat segments, no paging), loaded and entered at <see cref="LoadAddress"/>; the device's
/// registers are ordinary memory accesses to <see cref="DeviceAddress"/>, which the host turns into MMIO exits.
#else
/// 16-bit real-mode code loaded at 0x7c00 like a boot sector; the device's registers are I/O ports from
/// <see cref="DevicePort"/>.
#endif
/// </remarks>
public static class SampleGuest
{
#if (IsMmio)
    /// <summary>Where vm.json loads the guest and enters it: 1 MiB, above the real-mode area.</summary>
    public const ulong LoadAddress = 0x10_0000;

    /// <summary>The device's register page: its default Address option.</summary>
    public const uint DeviceAddress = 0xd000_0000;
#else
    /// <summary>Where vm.json loads the guest and enters it, as a BIOS loads a boot sector.</summary>
    public const ulong LoadAddress = 0x7c00;

    /// <summary>The device's first port: its default Port option.</summary>
    public const ushort DevicePort = 0x300;
#endif

    /// <summary>How many times the guest rings the doorbell.</summary>
    public const int Doorbells = 3;

    /// <summary>The 16550 UART the guest prints on (vm.json's com1).</summary>
    public const ushort Com1 = 0x3f8;

    /// <summary>The debug-exit port: writing v stops the VM with exit code (v &lt;&lt; 1) | 1.</summary>
    public const ushort DebugExitPort = 0x501;

    // 16550 line status register (base + 5), bit 5: the transmitter holding register is empty.
    private const ushort LineStatus = Com1 + 5;
    private const byte TransmitterEmpty = 0x20;

    /// <summary>The guest's machine code, to be loaded and entered at <see cref="LoadAddress"/>.</summary>
    public static byte[] Assemble()
    {
#if (IsMmio)
        var a = new Assembler(32);
#else
        var a = new Assembler(16);
#endif
        var ring = a.CreateLabel();
        var nextDigit = a.CreateLabel();
        var printDigit = a.CreateLabel();
        var putChar = a.CreateLabel();
        var waitForTransmitter = a.CreateLabel();

        // A stack just below the code.
#if (IsMmio)
        a.mov(esp, (uint)LoadAddress);
#else
        a.cli();
        a.xor(ax, ax);
        a.mov(ds, ax);
        a.mov(ss, ax);
        a.mov(sp, (ushort)LoadAddress);
#endif

        // Ring the doorbell: each write adds Step to COUNTER and raises the interrupt line.
        a.mov(cx, (ushort)Doorbells);
        a.Label(ref ring);
#if (IsMmio)
        a.mov(__byte_ptr[DeviceAddress + 1], 1);
#else
        a.mov(dx, (ushort)(DevicePort + 1));
        a.mov(al, 1);
        a.@out(dx, al);
#endif
        a.dec(cx);
        a.jnz(ring);

        // Read STATUS (bit 0: interrupt pending; the read acknowledges it), then COUNTER into BL.
#if (IsMmio)
        a.mov(al, __byte_ptr[DeviceAddress + 1]);
        a.mov(al, __byte_ptr[DeviceAddress]);
#else
        a.mov(dx, (ushort)(DevicePort + 1));
        a.@in(al, dx);
        a.mov(dx, DevicePort);
        a.@in(al, dx);
#endif
        a.mov(bl, al);

        foreach (var c in "counter=")
        {
            a.mov(al, (byte)c);
            a.call(putChar);
        }

        // BL in decimal: push the digits least significant first, then pop and print them.
        a.movzx(ax, bl);
        a.xor(cx, cx);
        a.Label(ref nextDigit);
        a.mov(dl, 10);
        a.div(dl);                  // AL = AX / 10, AH = AX % 10
        a.movzx(dx, ah);
        a.push(dx);
        a.inc(cx);
        a.movzx(ax, al);
        a.test(ax, ax);
        a.jnz(nextDigit);
        a.Label(ref printDigit);
        a.pop(ax);
        a.add(al, (byte)'0');
        a.call(putChar);
        a.dec(cx);
        a.jnz(printDigit);
        a.mov(al, (byte)'\r');
        a.call(putChar);
        a.mov(al, (byte)'\n');
        a.call(putChar);

        // Report the counter: the host exits with (BL << 1) | 1.
        a.mov(dx, DebugExitPort);
        a.mov(al, bl);
        a.@out(dx, al);
        a.hlt();

        // putChar: AL to COM1 once the transmitter is empty. Uses AX and DX.
        a.Label(ref putChar);
        a.mov(ah, al);
        a.Label(ref waitForTransmitter);
        a.mov(dx, LineStatus);
        a.@in(al, dx);
        a.test(al, TransmitterEmpty);
        a.jz(waitForTransmitter);
        a.mov(dx, Com1);
        a.mov(al, ah);
        a.@out(dx, al);
        a.ret();

        using var code = new MemoryStream();
        a.Assemble(new StreamCodeWriter(code), LoadAddress);
        return code.ToArray();
    }
}
