namespace Vmm.Boot.Multiboot;

/// <summary>
/// The layout the multiboot header's address fields give (3.1.3 "The address fields of Multiboot header",
/// the "a.out kludge"): the file from the offset matching load_addr up to load_end_addr, then zeros up to
/// bss_end_addr, entered at entry_addr. Used whenever flag 16 is set, whatever the file's own format.
/// </summary>
internal static class AoutKludgeLayout
{
    public static KernelLayout Read(string name, ReadOnlySpan<byte> image, MultibootHeader header)
    {
        var loadAddress = header.LoadAddress;
        if (loadAddress > header.HeaderAddress)
            throw new BootImageException($"{name}: multiboot load_addr 0x{loadAddress:x} is above header_addr 0x{header.HeaderAddress:x}");
        // header_addr is where the header's first byte lands, so the file offset of load_addr follows from it.
        var headerDistance = (ulong)(header.HeaderAddress - loadAddress);
        if (headerDistance > (ulong)header.FileOffset)
            throw new BootImageException($"{name}: multiboot header_addr 0x{header.HeaderAddress:x} - load_addr 0x{loadAddress:x} is more than the header's file offset 0x{header.FileOffset:x}");
        var fileOffset = header.FileOffset - (int)headerDistance;

        ulong loadSize;
        if (header.LoadEndAddress == 0)
        {
            // 3.1.3: load_end_addr 0 means text and data occupy the rest of the file.
            loadSize = (ulong)(image.Length - fileOffset);
        }
        else
        {
            if (header.LoadEndAddress <= loadAddress)
                throw new BootImageException($"{name}: multiboot load_end_addr 0x{header.LoadEndAddress:x} is not above load_addr 0x{loadAddress:x}");
            loadSize = header.LoadEndAddress - loadAddress;
            if ((ulong)fileOffset + loadSize > (ulong)image.Length)
                throw new BootImageException($"{name}: truncated image: load_addr 0x{loadAddress:x}-load_end_addr 0x{header.LoadEndAddress:x} needs file bytes 0x{fileOffset:x}-0x{(ulong)fileOffset + loadSize - 1:x}, the file has {image.Length}");
        }
        var loadEnd = loadAddress + loadSize;
        ulong bssEnd;
        if (header.BssEndAddress == 0)
        {
            bssEnd = loadEnd;
        }
        else
        {
            if (header.BssEndAddress < loadEnd)
                throw new BootImageException($"{name}: multiboot bss_end_addr 0x{header.BssEndAddress:x} is below the end of the loaded data 0x{loadEnd:x}");
            bssEnd = header.BssEndAddress;
        }
        if (bssEnd > 1UL << 32)
            throw new BootImageException($"{name}: the image loaded at 0x{loadAddress:x} runs past 4 GiB");
        if (bssEnd == loadAddress)
            throw new BootImageException($"{name}: the multiboot address fields load nothing");
        if (header.EntryAddress < loadAddress || header.EntryAddress >= bssEnd)
            throw new BootImageException($"{name}: multiboot entry_addr 0x{header.EntryAddress:x} is outside the loaded image 0x{loadAddress:x}-0x{bssEnd - 1:x}");
        return new KernelLayout([new LoadSegment(fileOffset, (uint)loadSize, loadAddress, bssEnd - loadAddress)], header.EntryAddress);
    }
}
