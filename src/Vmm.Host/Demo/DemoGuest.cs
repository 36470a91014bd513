using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Host.Demo;

/// <summary>
/// The guest <c>vmm run</c> boots without a config: 16-bit real-mode code, assembled with Iced at run time,
/// that prints <see cref="Greeting"/> on COM1 the way a polled driver does (wait for LSR.THRE, write THR)
/// and then writes <see cref="ExitValue"/> to the debug-exit port, so the process exits with
/// <see cref="ExpectedExitCode"/>.
/// </summary>
public static class DemoGuest
{
    public const string Greeting = "Hello from the Vmm demo guest!\n";

    public const ulong LoadAddress = 0x7c00;

    public const ushort SerialPort = 0x3f8;

    public const ushort DebugExitPort = 0x501;

    public const byte ExitValue = 0x10;

    /// <summary>(<see cref="ExitValue"/> &lt;&lt; 1) | 1, as QEMU's isa-debug-exit computes it.</summary>
    public const int ExpectedExitCode = (ExitValue << 1) | 1;

    // 16550 line status register (base + 5), bit 5: transmitter holding register empty.
    private const ushort LineStatusPort = SerialPort + 5;
    private const byte TransmitterEmpty = 0x20;

    // The greeting sits at a fixed offset after the code, so the code can name its address up front.
    private const int MessageOffset = 0x80;

    public static byte[] Assemble()
    {
        var a = new Assembler(16);
        var nextChar = a.CreateLabel();
        var waitReady = a.CreateLabel();
        var done = a.CreateLabel();

        a.xor(ax, ax);
        a.mov(ds, ax);
        a.cld();
        a.mov(si, (ushort)(LoadAddress + MessageOffset));
        a.Label(ref nextChar);
        a.lodsb();
        a.test(al, al);
        a.jz(done);
        a.mov(bl, al);
        a.Label(ref waitReady);
        a.mov(dx, LineStatusPort);
        a.@in(al, dx);
        a.test(al, TransmitterEmpty);
        a.jz(waitReady);
        a.mov(dx, SerialPort);
        a.mov(al, bl);
        a.@out(dx, al);
        a.jmp(nextChar);
        a.Label(ref done);
        a.mov(dx, DebugExitPort);
        a.mov(al, ExitValue);
        a.@out(dx, al);
        a.hlt();

        using var stream = new MemoryStream();
        a.Assemble(new StreamCodeWriter(stream), LoadAddress);
        if (stream.Length > MessageOffset)
            throw new InvalidOperationException($"demo code is {stream.Length} bytes and runs into its message at +0x{MessageOffset:x}");
        var image = new byte[MessageOffset + Greeting.Length + 1];
        stream.ToArray().CopyTo(image, 0);
        System.Text.Encoding.ASCII.GetBytes(Greeting).CopyTo(image, MessageOffset);
        return image;
    }
}
