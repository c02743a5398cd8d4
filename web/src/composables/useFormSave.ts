// Sending a form dialog's content: the primary button spins while it is sent, and a refusal
// stays in the dialog (formError, shown above the buttons) as well as in a message, so the user
// can correct the form without retyping it.
import { ref } from 'vue'
import { showError } from '../api/http'

/**
 * useFormSave runs save(send) for a form: saving is true while send runs; a failure of send is
 * kept in formError (cleared on the next try) and shown as a message.
 */
export function useFormSave() {
  const saving = ref(false)
  const formError = ref('')

  async function save(send: () => Promise<void>): Promise<void> {
    saving.value = true
    formError.value = ''
    try {
      await send()
    } catch (err) {
      formError.value = err instanceof Error ? err.message : String(err)
      showError(err)
    } finally {
      saving.value = false
    }
  }

  return { saving, formError, save }
}
