namespace Vmm.Devices.Serial;

// Register offsets and bits of the PC16550D (TI/National datasheet SNLS378, "Registers" chapter and its
// register summary table), named so the logic never holds a bare number.
public sealed partial class Uart16550
{
    /// <summary>Register offsets from the base of the UART's range.</summary>
    private static class Register
    {
        public const ulong Data = 0;                    // RBR (read) / THR (write), DLAB = 0
        public const ulong DivisorLatchLow = 0;         // DLL, DLAB = 1
        public const ulong InterruptEnable = 1;         // IER, DLAB = 0
        public const ulong DivisorLatchHigh = 1;        // DLM, DLAB = 1
        public const ulong InterruptIdentification = 2; // IIR (read); FCR (write)
        public const ulong LineControl = 3;             // LCR
        public const ulong ModemControl = 4;            // MCR
        public const ulong LineStatus = 5;              // LSR
        public const ulong ModemStatus = 6;             // MSR
        public const ulong Scratch = 7;                 // SCR
    }

    /// <summary>IER: bits 0-3 are implemented, 4-7 always read 0.</summary>
    private static class InterruptEnable
    {
        public const byte ReceivedData = 0x01;          // ERBFI, also enables the character timeout
        public const byte TransmitterEmpty = 0x02;      // ETBEI
        public const byte ReceiverLineStatus = 0x04;    // ELSI
        public const byte ModemStatus = 0x08;           // EDSSI
        public const byte Implemented = 0x0f;
    }

    /// <summary>IIR (datasheet table "Interrupt Control Functions"), highest priority first.</summary>
    private static class InterruptIdentification
    {
        public const byte NonePending = 0x01;
        public const byte ReceiverLineStatus = 0x06;    // priority 1: OE, PE, FE or BI; cleared by reading LSR
        public const byte ReceivedData = 0x04;          // priority 2: trigger level reached (RBR full in 16450 mode)
        public const byte CharacterTimeout = 0x0c;      // priority 2: FIFO mode only
        public const byte TransmitterEmpty = 0x02;      // priority 3: cleared by reading IIR (if the source) or writing THR
        public const byte ModemStatus = 0x00;           // priority 4: cleared by reading MSR
        public const byte FifosEnabled = 0xc0;          // bits 6-7 are set when FCR bit 0 is
    }

    /// <summary>FCR, write-only at offset 2.</summary>
    private static class FifoControl
    {
        public const byte Enable = 0x01;
        public const byte ResetReceiver = 0x02;
        public const byte ResetTransmitter = 0x04;
        public const int TriggerShift = 6;
    }

    /// <summary>LCR.</summary>
    private static class LineControl
    {
        public const byte WordLengthMask = 0x03;        // 5 + value bits
        public const byte WordLength8 = 0x03;
        public const byte TwoStopBits = 0x04;           // 1.5 with a 5-bit word
        public const byte ParityEnable = 0x08;
        public const byte SetBreak = 0x40;
        public const byte DivisorLatchAccess = 0x80;
    }

    /// <summary>MCR: DTR, RTS, OUT1, OUT2, LOOP; bits 5-7 always read 0.</summary>
    private static class ModemControl
    {
        public const byte DataTerminalReady = 0x01;
        public const byte RequestToSend = 0x02;
        public const byte Out1 = 0x04;
        public const byte Out2 = 0x08;
        public const byte Loopback = 0x10;
        public const byte Implemented = 0x1f;
    }

    /// <summary>LSR.</summary>
    private static class LineStatus
    {
        public const byte DataReady = 0x01;
        public const byte OverrunError = 0x02;
        public const byte ParityError = 0x04;
        public const byte FramingError = 0x08;
        public const byte BreakInterrupt = 0x10;
        public const byte TransmitterHoldingEmpty = 0x20;
        public const byte TransmitterEmpty = 0x40;
        public const byte ReceiverFifoError = 0x80;
        public const byte Errors = OverrunError | ParityError | FramingError | BreakInterrupt;
    }

    /// <summary>MSR: the four modem inputs in bits 4-7 and their delta bits in 0-3.</summary>
    private static class ModemStatus
    {
        public const byte DeltaClearToSend = 0x01;
        public const byte DeltaDataSetReady = 0x02;
        public const byte TrailingEdgeRingIndicator = 0x04;
        public const byte DeltaDataCarrierDetect = 0x08;
        public const byte ClearToSend = 0x10;
        public const byte DataSetReady = 0x20;
        public const byte RingIndicator = 0x40;
        public const byte DataCarrierDetect = 0x80;
    }
}
