using Vmm.Core.Hypervisor;
using Vmm.Emulation.Tests.Support;
using static Vmm.Emulation.Tests.Support.Flag;

namespace Vmm.Emulation.Tests;

/// <summary>MOV and friends, as literal bytes in 64-bit mode (where the register-width rules bite), registers after.</summary>
public sealed class DataMovementTests
{
    private const ulong Rax0 = 0x1111_1111_8888_8888;
    private const ulong Rbx0 = 0x2222_2222_F0F0_F0F0;
    private const ulong Rcx0 = 0x3333_3333_0000_0080;

    [Theory]
    // mov rax,rbx
    [InlineData("mov rax,rbx", new byte[] { 0x48, 0x89, 0xD8 }, Rbx0)]
    // mov eax,ebx: a 32-bit write zero-extends
    [InlineData("mov eax,ebx", new byte[] { 0x89, 0xD8 }, 0xF0F0_F0F0ul)]
    // mov ax,bx: a 16-bit write merges
    [InlineData("mov ax,bx", new byte[] { 0x66, 0x89, 0xD8 }, 0x1111_1111_8888_F0F0ul)]
    // mov ah,bl: the high byte
    [InlineData("mov ah,bl", new byte[] { 0x88, 0xDC }, 0x1111_1111_8888_F088ul)]
    // mov al,0x42
    [InlineData("mov al,0x42", new byte[] { 0xB0, 0x42 }, 0x1111_1111_8888_8842ul)]
    // mov rax,0x123456789abcdef0
    [InlineData("mov rax,imm64", new byte[] { 0x48, 0xB8, 0xF0, 0xDE, 0xBC, 0x9A, 0x78, 0x56, 0x34, 0x12 }, 0x1234_5678_9ABC_DEF0ul)]
    // mov rax,-1 (imm32 sign-extended)
    [InlineData("mov rax,-1", new byte[] { 0x48, 0xC7, 0xC0, 0xFF, 0xFF, 0xFF, 0xFF }, 0xFFFF_FFFF_FFFF_FFFFul)]
    // movzx eax,cl
    [InlineData("movzx eax,cl", new byte[] { 0x0F, 0xB6, 0xC1 }, 0x80ul)]
    // movsx eax,cl
    [InlineData("movsx eax,cl", new byte[] { 0x0F, 0xBE, 0xC1 }, 0xFFFF_FF80ul)]
    // movsx rax,cl
    [InlineData("movsx rax,cl", new byte[] { 0x48, 0x0F, 0xBE, 0xC1 }, 0xFFFF_FFFF_FFFF_FF80ul)]
    // movsxd rax,ebx
    [InlineData("movsxd rax,ebx", new byte[] { 0x48, 0x63, 0xC3 }, 0xFFFF_FFFF_F0F0_F0F0ul)]
    // movzx ax,cl: a 16-bit destination merges
    [InlineData("movzx ax,cl", new byte[] { 0x66, 0x0F, 0xB6, 0xC1 }, 0x1111_1111_8888_0080ul)]
    // lea rax,[rbx+rcx*4+0x10]
    [InlineData("lea rax,[rbx+rcx*4+16]", new byte[] { 0x48, 0x8D, 0x44, 0x8B, 0x10 }, Rbx0 + Rcx0 * 4 + 0x10)]
    // lea eax,[rbx+rcx*4+0x10]: truncated to 32 bits
    [InlineData("lea eax,[rbx+rcx*4+16]", new byte[] { 0x8D, 0x44, 0x8B, 0x10 }, (Rbx0 + Rcx0 * 4 + 0x10) & 0xFFFF_FFFF)]
    // xchg rax,rbx
    [InlineData("xchg rax,rbx", new byte[] { 0x48, 0x93 }, Rbx0)]
    // xchg eax,eax (87 c0) zero-extends; 90 is a true nop
    [InlineData("xchg eax,eax", new byte[] { 0x87, 0xC0 }, 0x8888_8888ul)]
    [InlineData("nop", new byte[] { 0x90 }, Rax0)]
    // bswap eax / bswap rax
    [InlineData("bswap eax", new byte[] { 0x0F, 0xC8 }, 0x8888_8888ul)]
    [InlineData("bswap rax", new byte[] { 0x48, 0x0F, 0xC8 }, 0x8888_8888_1111_1111ul)]
    // cdqe / cwde / cbw
    [InlineData("cdqe", new byte[] { 0x48, 0x98 }, 0xFFFF_FFFF_8888_8888ul)]
    [InlineData("cwde", new byte[] { 0x98 }, 0xFFFF_8888ul)]
    [InlineData("cbw", new byte[] { 0x66, 0x98 }, 0x1111_1111_8888_FF88ul)]
    // cmovz eax,ebx with ZF clear: not moved, but a 32-bit destination is still zero-extended
    [InlineData("cmovz eax,ebx (not taken)", new byte[] { 0x0F, 0x44, 0xC3 }, 0x8888_8888ul)]
    // cmovnz rax,rbx
    [InlineData("cmovnz rax,rbx", new byte[] { 0x48, 0x0F, 0x45, 0xC3 }, Rbx0)]
    // setnz al
    [InlineData("setnz al", new byte[] { 0x0F, 0x95, 0xC0 }, 0x1111_1111_8888_8801ul)]
    // xadd rax,rbx: rax = sum
    [InlineData("xadd rax,rbx", new byte[] { 0x48, 0x0F, 0xC1, 0xD8 }, Rax0 + Rbx0)]
    public void Register_moves_follow_the_width_rules(string assembly, byte[] code, ulong expectedRax)
    {
        VcpuRegisters after = Snippet.Run(CpuMode.Long64, code, (ref VcpuRegisters r) =>
        {
            r.Rax = Rax0;
            r.Rbx = Rbx0;
            r.Rcx = Rcx0;
        });

        Assert.True(expectedRax == after.Rax, $"{assembly}: rax 0x{after.Rax:x16}, expected 0x{expectedRax:x16}");
    }

    [Fact]
    public void Cmpxchg_swaps_on_match_and_loads_the_accumulator_otherwise()
    {
        // cmpxchg ecx,ebx (match: ecx = ebx, ZF); cmpxchg ecx,edx (ecx != eax now: eax = ecx, ZF clear)
        byte[] code = [0x0F, 0xB1, 0xD9, 0x0F, 0xB1, 0xD1];
        using EmulatedGuest guest = Snippet.Start(CpuMode.Protected32, code, (ref VcpuRegisters r) =>
        {
            r.Rax = 5;
            r.Rcx = 5;
            r.Rbx = 7;
            r.Rdx = 9;
        });
        guest.RunToHalt();

        VcpuRegisters after = guest.Registers;
        Assert.Equal(7ul, after.Rcx);
        Assert.Equal(7ul, after.Rax);
        Assert.Equal(0ul, after.Rflags & ZF);
    }

    [Fact]
    public void Memory_operands_load_and_store_little_endian()
    {
        // mov dword [0x3000],0x11223344; mov ax,[0x3001]; movzx ebx,byte [0x3003]; add dword [0x3000],1
        byte[] code =
        [
            0xC7, 0x05, 0x00, 0x30, 0x00, 0x00, 0x44, 0x33, 0x22, 0x11,
            0x66, 0xA1, 0x01, 0x30, 0x00, 0x00,
            0x0F, 0xB6, 0x1D, 0x03, 0x30, 0x00, 0x00,
            0x83, 0x05, 0x00, 0x30, 0x00, 0x00, 0x01,
        ];
        using EmulatedGuest guest = Snippet.Start(CpuMode.Protected32, code);
        guest.RunToHalt();

        Assert.Equal(0x2233ul, guest.Registers.Rax & 0xFFFF);
        Assert.Equal(0x11ul, guest.Registers.Rbx);
        Assert.Equal(new byte[] { 0x45, 0x33, 0x22, 0x11 }, guest.Memory(0x3000, 4).ToArray());
    }

    [Fact]
    public void Lahf_and_sahf_move_the_five_low_status_flags()
    {
        // mov ah,0xd5; sahf; lahf (AH = SF ZF AF PF CF plus bit 1)
        byte[] code = [0xB4, 0xD5, 0x9E, 0x9F];
        VcpuRegisters after = Snippet.Run(CpuMode.Real, code, (ref VcpuRegisters r) => r.Rflags = Reserved | OF);

        Assert.Equal(SF | ZF | AF | PF | CF | OF, after.Rflags & Status);
        Assert.Equal(0xD7ul, (after.Rax >> 8) & 0xFF);
    }

    [Fact]
    public void Bit_test_instructions_address_a_bit_string_in_memory()
    {
        // bts dword [ebx],ecx with ecx = 100: the dword at ebx+12, bit 4; bt dword [ebx],-1: bit 31 of the dword below
        byte[] code = [0x0F, 0xAB, 0x0B, 0xB9, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0xA3, 0x0B];
        using EmulatedGuest guest = Snippet.Start(CpuMode.Protected32, code, (ref VcpuRegisters r) =>
        {
            r.Rbx = 0x3010;
            r.Rcx = 100;
        }, g => g.Memory(0x300C, 4).Fill(0x80));
        guest.RunToHalt();

        Assert.Equal(0x10, guest.Memory(0x301C, 1)[0]);
        Assert.Equal(CF, guest.Registers.Rflags & CF);
    }
}
