using System.Buffers.Binary;
using Vmm.Core.Memory;
using Vmm.Sdk;

namespace Vmm.Emulation.Tests.Differential.Harness;

/// <summary>
/// The devices every differential guest sees, deterministic so both backends get the same answers:
/// a port read returns a value made of the port and the number of port elements read so far (so a
/// batched <c>rep ins</c> reads what element-by-element reads would); MMIO at
/// <see cref="GuestLayout.MmioBase"/> is a byte register file that returns what was written (and a
/// pattern before that); other MMIO reads all-ones and drops writes. A DMA engine on
/// <see cref="GuestLayout.DmaAddressPort"/> and <see cref="GuestLayout.DmaDataPort"/> writes guest RAM from
/// the host, as a device would.
/// </summary>
internal sealed class ScriptedDevices
{
    private readonly byte[] _registers = new byte[GuestLayout.MmioSize];
    private readonly GuestMemory _memory;
    private uint _portElementsRead;
    private ulong _dmaAddress;

    public ScriptedDevices(GuestMemory memory)
    {
        _memory = memory;
        for (int i = 0; i < _registers.Length; i++)
            _registers[i] = (byte)(i ^ 0xA5);
    }

    /// <summary>Value of the <paramref name="index"/>th port element read (counting from 0), from <paramref name="port"/>.</summary>
    public static uint PortValue(ulong port, uint index) => ((uint)port << 16) | (((index + 1) * 0x0101u) & 0xFFFF);

    public void Respond(ref ExitContext exit)
    {
        switch (exit.Kind)
        {
            case ExitKind.IoIn:
                Span<byte> value = stackalloc byte[4];
                for (int i = 0; i < exit.Count; i++)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(value, PortValue(exit.Address, _portElementsRead++));
                    value[..exit.Size].CopyTo(exit.Data.Slice(i * exit.Size, exit.Size));
                }

                break;
            case ExitKind.MmioRead:
                if (TryRegisters(exit.Address, exit.Data.Length, out int offset))
                    _registers.AsSpan(offset, exit.Data.Length).CopyTo(exit.Data);
                else
                    exit.Data.Fill(0xFF);
                break;
            case ExitKind.MmioWrite:
                if (TryRegisters(exit.Address, exit.Data.Length, out offset))
                    exit.Data.CopyTo(_registers.AsSpan(offset));
                break;
            case ExitKind.IoOut when exit.Address == GuestLayout.DmaAddressPort && exit.Size == 4:
                _dmaAddress = BinaryPrimitives.ReadUInt32LittleEndian(exit.Data[^4..]);
                break;
            case ExitKind.IoOut when exit.Address == GuestLayout.DmaDataPort:
                if (!_memory.TryWrite(_dmaAddress, exit.Data))
                    throw new InvalidOperationException($"DMA to 0x{_dmaAddress:x}+{exit.Data.Length} is outside RAM");
                _dmaAddress += (ulong)exit.Data.Length;
                break;
            case ExitKind.IoOut or ExitKind.Cancelled:
                break;
            default:
                // Halt ends every guest; shutdown, reset and fatal exits end it too (Run returns anyway).
                exit.Outcome = ExitOutcome.StopVcpu;
                break;
        }
    }

    private static bool TryRegisters(ulong address, int length, out int offset)
    {
        offset = (int)(address - GuestLayout.MmioBase);
        return address >= GuestLayout.MmioBase && address - GuestLayout.MmioBase <= (ulong)(GuestLayout.MmioSize - length);
    }
}
