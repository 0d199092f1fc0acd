/* Vector tables for vectored mtvec/stvec: entry i records i in sscratch, then joins the handler. */
#ifndef VECTORS_H
#define VECTORS_H

#define VECTOR_TABLE(name, handler)                                                                \
  asm(".text\n.align 8\n.globl " #name "\n" #name ":\n"                                             \
      ".option push\n.option norvc\n"                                                              \
      ".irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"                                            \
      "j " #name "_stub_\\i\n"                                                                     \
      ".endr\n"                                                                                    \
      ".irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n" #name "_stub_\\i:\n"                        \
      "csrwi sscratch, \\i\n"                                                                      \
      "j " #handler "\n"                                                                           \
      ".endr\n"                                                                                    \
      ".option pop\n")

#endif
