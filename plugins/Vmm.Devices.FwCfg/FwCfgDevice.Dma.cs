using System.Buffers.Binary;

namespace Vmm.Devices.FwCfg;

/// <summary>
/// The DMA interface (fw_cfg.rst, "Guest-side DMA Interface"): the guest writes the guest-physical address of a
/// 16-byte big-endian <c>FWCfgDmaAccess</c> (control, length, address) into the big-endian address register, the
/// high half first; writing the low half starts the transfer. The device reads the descriptor and moves the data
/// through <c>IGuestMemory</c>, which bounds-checks every byte, and writes the control field back: 0 when done,
/// the error bit when anything failed. A wild or huge descriptor therefore only ever earns the error bit.
/// </summary>
public sealed partial class FwCfgDevice
{
    private const int DescriptorSize = 16;
    private const ulong DmaSignature = 0x51454d5520434647; // "QEMU CFG", what reading the address register returns

    // A zero page for reads past an item's end: the rest of the guest's buffer is zero-filled, a page at a time.
    private static readonly byte[] ZeroPage = new byte[4096];

    private uint _dmaAddressHigh;

    private void ReadDmaSignature(ulong offset, Span<byte> data)
    {
        Span<byte> signature = stackalloc byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64BigEndian(signature, _dmaEnabled ? DmaSignature : 0);
        if (offset >= sizeof(ulong))
            return;
        var count = Math.Min(data.Length, sizeof(ulong) - (int)offset);
        signature.Slice((int)offset, count).CopyTo(data);
    }

    private void WriteDmaAddress(ulong offset, ReadOnlySpan<byte> data)
    {
        switch (offset, data.Length)
        {
            case (0, sizeof(uint)):
                _dmaAddressHigh = BinaryPrimitives.ReadUInt32BigEndian(data);
                break;
            case (sizeof(uint), sizeof(uint)):
                Transfer(((ulong)_dmaAddressHigh << 32) | BinaryPrimitives.ReadUInt32BigEndian(data));
                break;
            case (0, sizeof(ulong)):
                Transfer(BinaryPrimitives.ReadUInt64BigEndian(data));
                break;
            // Other widths and offsets are not decoded (QEMU accepts 4- and 8-byte accesses only).
        }
    }

    private void Transfer(ulong descriptorAddress)
    {
        // "The value for the register is 0 at startup and after an operation."
        _dmaAddressHigh = 0;
        Span<byte> descriptor = stackalloc byte[DescriptorSize];
        if (!_memory.TryRead(descriptorAddress, descriptor))
        {
            CompleteDma(descriptorAddress, failed: true);
            return;
        }
        var control = BinaryPrimitives.ReadUInt32BigEndian(descriptor);
        var length = BinaryPrimitives.ReadUInt32BigEndian(descriptor[4..]);
        var address = BinaryPrimitives.ReadUInt64BigEndian(descriptor[8..]);

        if ((control & DmaControl.Select) != 0)
            Select((ushort)(control >> 16));

        bool failed;
        if ((control & DmaControl.Read) != 0)
            failed = !DmaRead(address, length);
        else if ((control & DmaControl.Write) != 0)
            failed = length != 0;                // every item is read-only: "Writes to read-only items are also rejected"
        else if ((control & DmaControl.Skip) != 0)
        {
            _offset = (int)Math.Min((long)_offset + length, Math.Max(_offset, _selected.Length));
            failed = false;
        }
        else
            failed = false;
        CompleteDma(descriptorAddress, failed);
    }

    /// <summary>Copies <paramref name="length"/> bytes of the item into the guest, zeros past its end; false if any byte was not RAM.</summary>
    private bool DmaRead(ulong address, uint length)
    {
        if (length != 0 && address + length - 1 < address)
            return false;
        var available = _selected.Span[Math.Min(_offset, _selected.Length)..];
        var count = (int)Math.Min(available.Length, length);
        if (count > 0 && !_memory.TryWrite(address, available[..count]))
            return false;
        _offset += count;

        var zeroAddress = address + (ulong)count;
        var zeros = (ulong)length - (ulong)count;
        while (zeros > 0)
        {
            var chunk = (int)Math.Min(zeros, (ulong)ZeroPage.Length);
            if (!_memory.TryWrite(zeroAddress, ZeroPage.AsSpan(0, chunk)))
                return false;
            zeroAddress += (ulong)chunk;
            zeros -= (ulong)chunk;
        }
        return true;
    }

    /// <summary>Writes the control field back: 0 for done, the error bit for a failure (nothing if it is not RAM either).</summary>
    private void CompleteDma(ulong descriptorAddress, bool failed)
    {
        Span<byte> control = stackalloc byte[sizeof(uint)];
        BinaryPrimitives.WriteUInt32BigEndian(control, failed ? DmaControl.Error : 0);
        _memory.TryWrite(descriptorAddress, control);
    }

    /// <summary><c>FWCfgDmaAccess.control</c> bits.</summary>
    private static class DmaControl
    {
        public const uint Error = 0x01;
        public const uint Read = 0x02;
        public const uint Skip = 0x04;
        public const uint Select = 0x08;   // the upper 16 bits are the selector
        public const uint Write = 0x10;
    }
}
