namespace Vmm.Sdk.Testing.Fuzzing;

/// <summary>A port read of 1, 2 or 4 bytes.</summary>
internal sealed record PortRead(ushort Port, int Size) : FuzzOperation
{
    public override string ToCSharp() => $"_ = vm.In{Size * 8}({Hex(Port)});";

    internal override IEnumerable<FuzzOperation> Simpler() =>
        Size > 1 ? [new PortRead(Port, 1), new PortRead(Port, 2)] : [];

    internal override void Apply(TestVm vm)
    {
        switch (Size)
        {
            case 1: vm.In8(Port); break;
            case 2: vm.In16(Port); break;
            default: vm.In32(Port); break;
        }
    }
}

/// <summary>A port write of 1, 2 or 4 bytes.</summary>
internal sealed record PortWrite(ushort Port, int Size, uint Value) : FuzzOperation
{
    public override string ToCSharp() => $"vm.Out{Size * 8}({Hex(Port)}, {Hex(Value)});";

    internal override IEnumerable<FuzzOperation> Simpler()
    {
        if (Size > 1)
            yield return new PortWrite(Port, 1, Value & 0xff);
        if (Size > 2)
            yield return new PortWrite(Port, 2, Value & 0xffff);
        foreach (var value in ClearedBits(Value))
            yield return this with { Value = (uint)value };
    }

    internal override void Apply(TestVm vm)
    {
        switch (Size)
        {
            case 1: vm.Out8(Port, (byte)Value); break;
            case 2: vm.Out16(Port, (ushort)Value); break;
            default: vm.Out32(Port, Value); break;
        }
    }
}

/// <summary>String input: <c>Count</c> reads of <c>Size</c> bytes in one exit.</summary>
internal sealed record PortStringRead(ushort Port, int Size, int Count) : FuzzOperation
{
    public override string ToCSharp() => $"_ = vm.InString({Hex(Port)}, size: {Size}, count: {Count});";

    internal override IEnumerable<FuzzOperation> Simpler() => [new PortRead(Port, Size), this with { Count = Count / 2 }];

    internal override void Apply(TestVm vm) => vm.InString(Port, Size, Count);
}

/// <summary>String output: the data as accesses of <c>Size</c> bytes in one exit.</summary>
internal sealed record PortStringWrite(ushort Port, int Size, byte[] Data) : FuzzOperation
{
    public override string ToCSharp() => $"vm.OutString({Hex(Port)}, {Bytes(Data)}, size: {Size});";

    internal override IEnumerable<FuzzOperation> Simpler()
    {
        // Each element alone, last first (the one the device saw last), then half the string.
        for (var i = Data.Length - Size; i >= 0; i -= Size)
            yield return new PortWrite(Port, Size, Element(i));
        if (Data.Length >= 2 * Size)
            yield return this with { Data = Data[..(Data.Length / Size / 2 * Size)] };
    }

    private uint Element(int offset)
    {
        var value = 0u;
        for (var i = Size - 1; i >= 0; i--)
            value = (value << 8) | Data[offset + i];
        return value;
    }

    internal override void Apply(TestVm vm) => vm.OutString(Port, Data, Size);
}

/// <summary>An MMIO read of 1, 2, 4 or 8 bytes.</summary>
internal sealed record MmioRead(ulong Address, int Size) : FuzzOperation
{
    public override string ToCSharp() => $"_ = vm.Read{Size * 8}({Hex(Address)});";

    internal override IEnumerable<FuzzOperation> Simpler()
    {
        for (var size = 1; size < Size; size *= 2)
            yield return new MmioRead(Address, size);
    }

    internal override void Apply(TestVm vm) => vm.ReadMmio(Address, Size);
}

/// <summary>An MMIO write of 1, 2, 4 or 8 bytes.</summary>
internal sealed record MmioWrite(ulong Address, int Size, ulong Value) : FuzzOperation
{
    public override string ToCSharp() => $"vm.Write{Size * 8}({Hex(Address)}, {Hex(Value)});";

    internal override IEnumerable<FuzzOperation> Simpler()
    {
        for (var size = 1; size < Size; size *= 2)
            yield return new MmioWrite(Address, size, Value & ((1UL << (size * 8)) - 1));
        foreach (var value in ClearedBits(Value))
            yield return this with { Value = value };
    }

    internal override void Apply(TestVm vm) => vm.WriteMmio(Address, Size, Value);
}

/// <summary>Moves the fake clock on, firing the timers devices set.</summary>
internal sealed record ClockAdvance(long Ticks) : FuzzOperation
{
    public override string ToCSharp() => $"vm.Clock.Advance(TimeSpan.FromTicks({Ticks}));";

    internal override IEnumerable<FuzzOperation> Simpler() =>
        ClearedBits((ulong)Ticks).Where(static ticks => ticks > 0).Select(ticks => new ClockAdvance((long)ticks));

    internal override void Apply(TestVm vm) => vm.Clock.Advance(TimeSpan.FromTicks(Ticks));
}

/// <summary>Writes bytes into guest RAM, where a DMA-capable device may later read them.</summary>
internal sealed record MemoryWrite(ulong Address, byte[] Data) : FuzzOperation
{
    public override string ToCSharp() => $"vm.WriteMemory({Hex(Address)}, {Bytes(Data)});";

    internal override IEnumerable<FuzzOperation> Simpler() =>
        Data.Length > 1 ? [this with { Data = Data[..(Data.Length / 2)] }, new MemoryWrite(Address + (ulong)(Data.Length / 2), Data[(Data.Length / 2)..])] : [];

    internal override void Apply(TestVm vm) => vm.WriteMemory(Address, Data);
}

/// <summary>Bytes arriving on a device's console input, as a user typing.</summary>
internal sealed record ConsoleInput(string Device, byte[] Data) : FuzzOperation
{
    public override string ToCSharp() => $"vm.Console(\"{Device}\").Input.Write({Bytes(Data)});";

    internal override IEnumerable<FuzzOperation> Simpler() =>
        Data.Length > 1 ? [this with { Data = Data[..(Data.Length / 2)] }, this with { Data = Data[(Data.Length / 2)..] }] : [];

    internal override void Apply(TestVm vm) => vm.Console(Device).Input.Write(Data);
}
