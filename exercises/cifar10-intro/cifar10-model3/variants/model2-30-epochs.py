# A calibration variant (not for students): the first CNN, model2 (no pooling, no dropout), trained for 30 epochs
# instead of model3: the mistake of changing only the number of epochs.
# Predefined by Epoch (do not define them yourself): ROWS, COLS, CHANNELS, INPUT_SHAPE, BATCH_SIZE,
# class_names, class_num, train_data, validation_data, test_data.
import tensorflow as tf
import matplotlib.pyplot as plt
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers, optimizers, metrics, Sequential
from tensorflow.keras.layers import *

model2 = Sequential([
    Input(INPUT_SHAPE),
    Conv2D(filters=32, kernel_size=(3, 3), padding='same', activation='relu'),
    # MaxPooling2D(pool_size=(2, 2)),
    # Dropout(0.5),
    Flatten(),
    Dense(128),
    Dense(class_num, activation='softmax')
])

model2.compile(
    optimizer='adam',
    loss='categorical_crossentropy',
    metrics=['accuracy']
    )

model2.summary()

history = model2.fit(train_data,
    validation_data=validation_data,
    epochs=30,
         )

acc = history.history['accuracy']
val_acc = history.history['val_accuracy']

epochs = range(len(acc))
plt.plot(epochs, acc, 'ro', label='Training acc')
plt.plot(epochs, val_acc, 'b', label='Validation acc')
plt.title('Training and validation accuracy')
plt.legend()  # Automatic detection of elements to be shown in the legend
plt.xlabel('Epochs')
plt.ylabel('Accuracy')
plt.figure()
