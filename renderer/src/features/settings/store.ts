// The Settings page's state: the lab's settings (settings.get / settings.update) and the device profiles' changes
// (devices.save / devices.delete; the list itself is the Devices page's store, which follows devices.changed).
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { DeviceProfile } from '../../../../core/hardware/device-profile.ts';
import type { ApiError } from '../../../../electron/contract/errors.ts';
import type { LabSettings, UpdateSettingsRequest } from '../../../../electron/contract/settings.ts';
import { useApi } from '../../api/client.ts';

export const useSettingsStore = defineStore('settings', () => {
  const settings = shallowRef<LabSettings | null>(null);
  const loadError = shallowRef<ApiError | null>(null);
  const saving = ref(false);
  const saveError = shallowRef<ApiError | null>(null);
  /** When the settings were last saved (for a short confirmation). */
  const savedAt = ref<number | null>(null);

  async function load(): Promise<void> {
    const result = await useApi()['settings.get']({});
    if (result.ok) settings.value = result.value;
    loadError.value = result.ok ? null : result.error;
  }

  async function save(patch: UpdateSettingsRequest): Promise<boolean> {
    saving.value = true;
    const result = await useApi()['settings.update'](patch);
    saving.value = false;
    saveError.value = result.ok ? null : result.error;
    if (!result.ok) return false;
    settings.value = result.value;
    savedAt.value = Date.now();
    return true;
  }

  /** Saves a user copy of a device profile; the host's refusal (naming the field) or null. */
  async function saveProfile(profile: DeviceProfile): Promise<ApiError | null> {
    const result = await useApi()['devices.save']({ profile });
    return result.ok ? null : result.error;
  }

  async function deleteProfile(id: string): Promise<ApiError | null> {
    const result = await useApi()['devices.delete']({ id });
    return result.ok ? null : result.error;
  }

  return { settings, loadError, saving, saveError, savedAt, load, save, saveProfile, deleteProfile };
});
