using System.ComponentModel;

namespace DocumentedOptionsPlugin;

/// <summary>One option of each kind <c>vmm plugins</c> describes.</summary>
public sealed class DocumentedOptions
{
    /// <summary>
    ///   The first port of the device,   described only here
    ///   in <c>XML</c> documentation (see <see cref="DocumentedOptions"/> and <see cref="QueueMode.Fifo"/>).
    /// </summary>
    public ushort Port { get; set; } = 0x600;

    [Description("Interrupt line; none for a polled device.")]
    public int? Irq { get; set; }

    /// <summary>Not shown: the [Description] wins.</summary>
    [Description("How queued writes drain.")]
    public QueueMode Mode { get; set; } = QueueMode.Fifo;

    public QueueMode? Fallback { get; set; }

    /// <summary>Whether the device answers at all; <see langword="false"/> makes it <c>unclaimed</c>.</summary>
    public bool Enabled { get; set; } = true;

    public byte Width { get; set; } = 2;

    public uint Mask { get; set; } = 0xff00;

    public ulong Base { get; set; } = 0xfed0_0000;

    public string Label { get; set; } = "documented";

    public string? Tag { get; set; }

    public ushort[] Aliases { get; set; } = [0x680, 0x681];

    public List<string> Names { get; set; } = [];

    public TimeSpan Timeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Not an option: nothing can set it.</summary>
    public int Ports => Width + Aliases.Length;
}

/// <summary>How queued writes drain.</summary>
public enum QueueMode
{
    Fifo,
    None,
}
