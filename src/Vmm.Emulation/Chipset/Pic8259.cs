using System.Numerics;

namespace Vmm.Emulation.Chipset;

/// <summary>
/// One Intel 8259A programmable interrupt controller: eight request inputs, the IRR/ISR/IMR registers, the
/// initialization sequence (ICW1-ICW4) and the operation commands (OCW1-OCW3), as the 8259A datasheet (Intel
/// order no. 231468) describes them, plus the PIIX edge/level control register (ELCR) PCs put beside each chip.
/// Pure logic and not thread-safe: <see cref="Pic8259Pair"/> cascades two of these, and whoever owns the pair
/// serializes access. Nothing here allocates.
/// </summary>
/// <remarks>
/// Edge-triggered inputs latch a request on a low-to-high transition and keep it until it is acknowledged, even
/// if the input falls first (as KVM's and QEMU's models do, so a device's pulse is never lost; a real 8259A would
/// answer such a request with a spurious IR7). Level-triggered inputs (ICW1 LTIM, or the pin's ELCR bit) request
/// for as long as they are high, so an input still high after the EOI interrupts again.
/// </remarks>
public sealed class Pic8259
{
    private const int Pins = 8;

    // Command port (A0=0) bits: datasheet "Initialization Command Words" and "Operation Command Words".
    private const byte Icw1Select = 0x10, Icw1LevelTriggered = 0x08, Icw1Single = 0x02, Icw1NeedsIcw4 = 0x01;
    private const byte Ocw3Select = 0x08, Ocw3SpecialMaskEnable = 0x40, Ocw3SpecialMask = 0x20, Ocw3Poll = 0x04;
    private const byte Ocw3ReadRegister = 0x02, Ocw3ReadIsr = 0x01;
    private const byte Icw4AutoEoi = 0x02, Icw4SpecialFullyNested = 0x10;

    // OCW2 R, SL, EOI (bits 7-5), datasheet Figure "Operation Command Word Format" (OCW2).
    private const int Ocw2RotateAutoEoiClear = 0b000, Ocw2NonSpecificEoi = 0b001, Ocw2NoOperation = 0b010, Ocw2SpecificEoi = 0b011;
    private const int Ocw2RotateAutoEoiSet = 0b100, Ocw2RotateNonSpecificEoi = 0b101, Ocw2SetPriority = 0b110, Ocw2RotateSpecificEoi = 0b111;

    private readonly byte _elcrMask;
    private byte _inputs;          // the level on each IR pin now
    private byte _irr, _isr, _imr, _elcr;
    private byte _lowestPriorityPlusOne;   // the pin with the highest priority (0 until rotated)
    private byte _icw3;
    private int _initStep;         // 0: operating; 2, 3, 4: the ICW expected next
    private bool _levelTriggered, _single, _needsIcw4;
    private bool _autoEoi, _rotateOnAutoEoi, _specialMask, _specialFullyNested, _poll, _readIsr;

    /// <summary>A chip in its power-on state (not yet initialized; vector base 0, nothing masked).</summary>
    /// <param name="isMaster">The master of a PC's pair (IRQ 0-7) or the slave (IRQ 8-15); it decides which ELCR bits exist.</param>
    public Pic8259(bool isMaster)
    {
        IsMaster = isMaster;
        // PIIX ELCR1/ELCR2: IRQ 0, 1, 2, 8 and 13 are always edge-triggered (KVM's and QEMU's elcr_mask).
        _elcrMask = isMaster ? (byte)0xF8 : (byte)0xDE;
    }

    /// <summary>True for the master (IRQ 0-7), false for the slave.</summary>
    public bool IsMaster { get; }

    /// <summary>Interrupt request register: bit n set while IR n requests service.</summary>
    public byte RequestRegister => _irr;

    /// <summary>In-service register: bit n set from IR n's acknowledge until its EOI.</summary>
    public byte InServiceRegister => _isr;

    /// <summary>Interrupt mask register (OCW1): bit n set masks IR n.</summary>
    public byte MaskRegister => _imr;

    /// <summary>Edge/level control register: bit n set makes IR n level-triggered.</summary>
    public byte EdgeLevelControl => _elcr;

    /// <summary>The vector of IR 0 (ICW2 bits 7-3); IR n is this plus n.</summary>
    public byte VectorBase { get; private set; }

    /// <summary>True once an initialization sequence (ICW1 and the words it asks for) has completed.</summary>
    public bool IsInitialized { get; private set; }

    /// <summary>True while an initialization sequence waits for ICW2, ICW3 or ICW4.</summary>
    public bool IsInitializing => _initStep != 0;

    /// <summary>ICW4 AEOI: the in-service bit is cleared as the interrupt is acknowledged.</summary>
    public bool AutoEoi => _autoEoi;

    /// <summary>ICW1 SNGL: no cascade (no ICW3).</summary>
    public bool SingleMode => _single;

    /// <summary>ICW3 as written: the master's slave inputs, or the slave's id.</summary>
    public byte CascadeConfiguration => _icw3;

    /// <summary>The INT output: an unmasked request of higher priority than everything in service.</summary>
    public bool Output => HighestRequest() >= 0;

    /// <summary>Drives IR <paramref name="pin"/> (0-7) high or low.</summary>
    public void SetInput(int pin, bool high)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)pin, (uint)Pins, nameof(pin));
        byte bit = (byte)(1 << pin);
        if (high)
        {
            // Level: the request follows the input. Edge: only a rising edge requests (datasheet "Edge and Level
            // Triggered Modes").
            if (IsLevel(bit) || (_inputs & bit) == 0)
                _irr |= bit;
            _inputs |= bit;
        }
        else
        {
            if (IsLevel(bit))
                _irr &= (byte)~bit;
            _inputs &= (byte)~bit;
        }
    }

    /// <summary>Sets IR <paramref name="pin"/>'s request bit as a rising edge would, whatever the input's level (the master's cascade input).</summary>
    internal void LatchRequest(int pin) => _irr |= (byte)(1 << pin);

    /// <summary>
    /// The IR pin the next acknowledge serves, or -1: the highest-priority unmasked request, if it outranks every
    /// in-service interrupt (datasheet "Fully Nested Mode"); in special mask mode masked in-service levels do not
    /// count, and in special fully nested mode the master's cascade inputs do not block themselves.
    /// </summary>
    public int HighestRequest()
    {
        int request = PriorityOf((byte)(_irr & ~_imr));
        if (request == Pins)
            return -1;
        byte blocking = _isr;
        if (_specialMask)
            blocking &= (byte)~_imr;
        if (_specialFullyNested && IsMaster)
            blocking &= (byte)~_icw3;
        return request < PriorityOf(blocking) ? (request + _lowestPriorityPlusOne) & 7 : -1;
    }

    /// <summary>
    /// The INTA cycle for IR <paramref name="pin"/> (from <see cref="HighestRequest"/>): an edge request is consumed,
    /// the in-service bit set, or with AEOI left clear (rotating priority if so commanded). Returns the vector.
    /// </summary>
    public byte Acknowledge(int pin)
    {
        byte bit = (byte)(1 << pin);
        if (!IsLevel(bit))
            _irr &= (byte)~bit;
        if (_autoEoi)
        {
            if (_rotateOnAutoEoi)
                _lowestPriorityPlusOne = (byte)((pin + 1) & 7);
        }
        else
        {
            _isr |= bit;
        }

        return (byte)(VectorBase + pin);
    }

    /// <summary>
    /// The vector of a spurious interrupt: an acknowledge that finds no request gets IR7's vector with no
    /// in-service bit set (datasheet "Interrupt Sequence"; an OS recognizes it because ISR bit 7 is clear).
    /// </summary>
    public byte SpuriousVector => (byte)(VectorBase + 7);

    /// <summary>A read of the command port (A0=0): the poll word after a poll command, else IRR or ISR as OCW3 chose.</summary>
    public byte ReadCommand() => _poll ? PollRead() : _readIsr ? _isr : _irr;

    /// <summary>A read of the data port (A0=1): the poll word after a poll command, else the IMR.</summary>
    public byte ReadData() => _poll ? PollRead() : _imr;

    /// <summary>A write to the command port (A0=0): ICW1, OCW2 or OCW3.</summary>
    public void WriteCommand(byte value)
    {
        if ((value & Icw1Select) != 0)
            StartInitialization(value);
        else if ((value & Ocw3Select) != 0)
            WriteOcw3(value);
        else
            WriteOcw2(value);
    }

    /// <summary>A write to the data port (A0=1): the next ICW during initialization, else OCW1 (the IMR).</summary>
    public void WriteData(byte value)
    {
        switch (_initStep)
        {
            case 2:
                // ICW2: T7-T3 of the vector; the low three bits come from the IR level in 8086 mode.
                VectorBase = (byte)(value & 0xF8);
                _initStep = !_single ? 3 : _needsIcw4 ? 4 : 0;
                break;
            case 3:
                _icw3 = value;
                _initStep = _needsIcw4 ? 4 : 0;
                break;
            case 4:
                _autoEoi = (value & Icw4AutoEoi) != 0;
                _specialFullyNested = (value & Icw4SpecialFullyNested) != 0;
                _initStep = 0;
                break;
            default:
                _imr = value;
                return;
        }

        if (_initStep == 0)
            IsInitialized = true;
    }

    /// <summary>A read of the ELCR port (0x4D0 master, 0x4D1 slave).</summary>
    public byte ReadEdgeLevelControl() => _elcr;

    /// <summary>A write of the ELCR port; bits for IRQ 0, 1, 2, 8 and 13 stay clear. A pin turned level-triggered requests at once if its input is high.</summary>
    public void WriteEdgeLevelControl(byte value)
    {
        _elcr = (byte)(value & _elcrMask);
        SyncLevelRequests();
    }

    /// <summary>Back to the power-on state (inputs keep their levels; the ELCR is kept, as a PC reset of the PIC leaves it to firmware).</summary>
    public void Reset()
    {
        _irr = _isr = _imr = 0;
        _lowestPriorityPlusOne = 0;
        _icw3 = 0;
        _initStep = 0;
        _levelTriggered = _single = _needsIcw4 = false;
        _autoEoi = _rotateOnAutoEoi = _specialMask = _specialFullyNested = _poll = _readIsr = false;
        VectorBase = 0;
        IsInitialized = false;
        SyncLevelRequests();
    }

    private bool IsLevel(byte bit) => _levelTriggered || (_elcr & bit) != 0;

    private void SyncLevelRequests()
    {
        byte level = _levelTriggered ? (byte)0xFF : _elcr;
        _irr = (byte)((_irr & ~level) | (_inputs & level));
    }

    /// <summary>How far below the top priority the highest set bit of <paramref name="bits"/> is (0 = top), 8 if none.</summary>
    private int PriorityOf(byte bits)
    {
        if (bits == 0)
            return Pins;
        // Rotate so the top-priority pin is bit 0; the lowest set bit is then the highest priority.
        int rotated = ((bits >> _lowestPriorityPlusOne) | (bits << (Pins - _lowestPriorityPlusOne))) & 0xFF;
        return BitOperations.TrailingZeroCount(rotated);
    }

    private void StartInitialization(byte icw1)
    {
        // Datasheet "Initialization Command Words": ICW1 resets the edge sense circuit (an input already high
        // must fall and rise again), clears the IMR, gives IR7 the lowest priority, clears special mask mode,
        // selects the IRR for reads and, without IC4, zeroes every ICW4 function.
        _isr = _imr = 0;
        _irr = 0;
        _lowestPriorityPlusOne = 0;
        _specialMask = _poll = _readIsr = false;
        _autoEoi = _rotateOnAutoEoi = _specialFullyNested = false;
        _levelTriggered = (icw1 & Icw1LevelTriggered) != 0;
        _single = (icw1 & Icw1Single) != 0;
        _needsIcw4 = (icw1 & Icw1NeedsIcw4) != 0;
        _icw3 = 0;
        _initStep = 2;
        SyncLevelRequests();
    }

    private void WriteOcw3(byte value)
    {
        if ((value & Ocw3Poll) != 0)
            _poll = true;
        if ((value & Ocw3ReadRegister) != 0)
            _readIsr = (value & Ocw3ReadIsr) != 0;
        if ((value & Ocw3SpecialMaskEnable) != 0)
            _specialMask = (value & Ocw3SpecialMask) != 0;
    }

    private void WriteOcw2(byte value)
    {
        int level = value & 7;
        switch (value >> 5)
        {
            case Ocw2NonSpecificEoi:
                EndHighestInService();
                break;
            case Ocw2RotateNonSpecificEoi:
                int served = EndHighestInService();
                if (served >= 0)
                    _lowestPriorityPlusOne = (byte)((served + 1) & 7);
                break;
            case Ocw2SpecificEoi:
                _isr &= (byte)~(1 << level);
                break;
            case Ocw2RotateSpecificEoi:
                _isr &= (byte)~(1 << level);
                _lowestPriorityPlusOne = (byte)((level + 1) & 7);
                break;
            case Ocw2SetPriority:
                _lowestPriorityPlusOne = (byte)((level + 1) & 7);
                break;
            case Ocw2RotateAutoEoiSet:
                _rotateOnAutoEoi = true;
                break;
            case Ocw2RotateAutoEoiClear:
                _rotateOnAutoEoi = false;
                break;
            case Ocw2NoOperation:
                break;
        }
    }

    /// <summary>A non-specific EOI: clears the highest-priority in-service bit; returns its pin, or -1.</summary>
    private int EndHighestInService()
    {
        int priority = PriorityOf(_isr);
        if (priority == Pins)
            return -1;
        int pin = (priority + _lowestPriorityPlusOne) & 7;
        _isr &= (byte)~(1 << pin);
        return pin;
    }

    /// <summary>
    /// The read after a poll command (datasheet "The Poll Command"): the read is the acknowledge. Bit 7 says
    /// whether there was a request, bits 2-0 give its level; with none the word is 0.
    /// </summary>
    private byte PollRead()
    {
        _poll = false;
        int pin = HighestRequest();
        if (pin < 0)
            return 0;
        Acknowledge(pin);
        return (byte)(0x80 | pin);
    }
}
