namespace Vmm.Emulation.Chipset;

/// <summary>
/// A PC's two 8259As: the master (IRQ 0-7, ports 0x20/0x21, ELCR 0x4D0) and the slave (IRQ 8-15, ports
/// 0xA0/0xA1, ELCR 0x4D1) whose INT output drives the master's IR2 (datasheet "Cascade Mode"). ISA IRQ n is
/// input n; the acknowledge (<see cref="Acknowledge"/>) returns the vector the CPU's INTA cycle reads. Pure logic,
/// not thread-safe, allocation-free.
/// </summary>
/// <example>
/// <code>
/// var pic = new Pic8259Pair();
/// pic.WritePort(0x20, 0x11); pic.WritePort(0x21, 0x20); pic.WritePort(0x21, 0x04); pic.WritePort(0x21, 0x01);
/// pic.SetIrq(0, true);
/// int vector = pic.Acknowledge();        // 0x20
/// pic.WritePort(0x20, 0x20);             // non-specific EOI
/// </code>
/// </example>
public sealed class Pic8259Pair
{
    /// <summary>The master's command port (ICW1, OCW2, OCW3; IRR/ISR reads).</summary>
    public const ushort MasterCommandPort = 0x20;

    /// <summary>The master's data port (ICW2-4, OCW1).</summary>
    public const ushort MasterDataPort = 0x21;

    /// <summary>The slave's command port.</summary>
    public const ushort SlaveCommandPort = 0xA0;

    /// <summary>The slave's data port.</summary>
    public const ushort SlaveDataPort = 0xA1;

    /// <summary>The master's edge/level control register (PIIX ELCR1); the slave's (ELCR2) is the next port.</summary>
    public const ushort EdgeLevelControlPort = 0x4D0;

    /// <summary>The master input the slave's INT output drives.</summary>
    public const int CascadeIrq = 2;

    private bool _irq2Input;

    /// <summary>Both chips in their power-on state.</summary>
    public Pic8259Pair()
    {
        Master = new Pic8259(isMaster: true);
        Slave = new Pic8259(isMaster: false);
    }

    /// <summary>The master (IRQ 0-7).</summary>
    public Pic8259 Master { get; }

    /// <summary>The slave (IRQ 8-15).</summary>
    public Pic8259 Slave { get; }

    /// <summary>The master's INT output, the CPU's INTR input: an interrupt is waiting for an acknowledge.</summary>
    public bool Output => Master.Output;

    /// <summary>True if <paramref name="port"/> is one of the pair's ports (0x20, 0x21, 0xA0, 0xA1, 0x4D0, 0x4D1).</summary>
    public static bool ClaimsPort(ushort port) =>
        (port & ~1) is MasterCommandPort or SlaveCommandPort or EdgeLevelControlPort;

    /// <summary>Drives ISA IRQ <paramref name="irq"/> (0-15) high or low.</summary>
    public void SetIrq(int irq, bool high)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)irq, 16u, nameof(irq));
        if (irq >= 8)
            Slave.SetInput(irq - 8, high);
        else if (irq == CascadeIrq)
            _irq2Input = high;
        else
            Master.SetInput(irq, high);
        UpdateCascade();
    }

    /// <summary>
    /// The vector the next <see cref="Acknowledge"/> would return, without acknowledging; -1 while the INT output
    /// is low. A cascaded request the slave has withdrawn shows the slave's spurious vector, as the acknowledge would.
    /// </summary>
    public int PendingVector
    {
        get
        {
            int pin = Master.HighestRequest();
            if (pin < 0)
                return -1;
            if (!IsCascadeInput(pin))
                return Master.VectorBase + pin;
            int slavePin = Slave.HighestRequest();
            return slavePin < 0 ? Slave.SpuriousVector : Slave.VectorBase + slavePin;
        }
    }

    /// <summary>
    /// The CPU's INTA cycle: the master resolves priority and, for its cascade input, the slave supplies the
    /// vector. With no request the master answers with its spurious IR7 vector (no in-service bit), and a slave
    /// with no request answers with its IR7 vector while the master's IR2 goes in service (datasheet "Interrupt
    /// Sequence"), so the OS's spurious-interrupt check sees ISR bit 7 clear.
    /// </summary>
    public byte Acknowledge()
    {
        int pin = Master.HighestRequest();
        if (pin < 0)
            return Master.SpuriousVector;
        byte vector = Master.Acknowledge(pin);
        if (IsCascadeInput(pin))
        {
            int slavePin = Slave.HighestRequest();
            vector = slavePin < 0 ? Slave.SpuriousVector : Slave.Acknowledge(slavePin);
        }

        UpdateCascade();
        return vector;
    }

    /// <summary>A guest's IN from one of the pair's ports (see <see cref="ClaimsPort"/>); other ports read 0xFF.</summary>
    public byte ReadPort(ushort port)
    {
        byte value = port switch
        {
            MasterCommandPort => Master.ReadCommand(),
            MasterDataPort => Master.ReadData(),
            SlaveCommandPort => Slave.ReadCommand(),
            SlaveDataPort => Slave.ReadData(),
            EdgeLevelControlPort => Master.ReadEdgeLevelControl(),
            EdgeLevelControlPort + 1 => Slave.ReadEdgeLevelControl(),
            _ => 0xFF,
        };
        // A poll read is an acknowledge: the slave's output may have changed.
        UpdateCascade();
        return value;
    }

    /// <summary>A guest's OUT to one of the pair's ports; other ports are ignored.</summary>
    public void WritePort(ushort port, byte value)
    {
        switch (port)
        {
            case MasterCommandPort: Master.WriteCommand(value); break;
            case MasterDataPort: Master.WriteData(value); break;
            case SlaveCommandPort: Slave.WriteCommand(value); break;
            case SlaveDataPort: Slave.WriteData(value); break;
            case EdgeLevelControlPort: Master.WriteEdgeLevelControl(value); break;
            case EdgeLevelControlPort + 1: Slave.WriteEdgeLevelControl(value); break;
            default: return;
        }

        UpdateCascade();
    }

    /// <summary>Both chips back to their power-on state (inputs and ELCRs kept).</summary>
    public void Reset()
    {
        Master.Reset();
        Slave.Reset();
        UpdateCascade();
    }

    /// <summary>
    /// Whether master input <paramref name="pin"/> has the slave behind it: IR2 unless ICW3 says otherwise (an
    /// uninitialized or single-mode master still cascades IR2, as a PC's wiring does).
    /// </summary>
    private bool IsCascadeInput(int pin) =>
        Master.IsInitialized && !Master.SingleMode ? (Master.CascadeConfiguration & (1 << pin)) != 0 : pin == CascadeIrq;

    /// <summary>
    /// The slave's INT output into the master's IR2, ORed with ISA IRQ 2's own input. While the slave requests,
    /// every update re-latches the master's IR2 (as KVM and QEMU pulse it), so a slave request that arrives while
    /// another slave interrupt is in service is not lost on the edge-triggered cascade input.
    /// </summary>
    private void UpdateCascade()
    {
        bool slaveOutput = Slave.Output;
        Master.SetInput(CascadeIrq, slaveOutput || _irq2Input);
        if (slaveOutput)
            Master.LatchRequest(CascadeIrq);
    }
}
